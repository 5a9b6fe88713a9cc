"""A stand-in SDK for the 25-line driver of docs/driver-protocol.md §7.

It sends through drivers/python/driver.py (ACS3, POST, JSON) and raises
APIError with what the answer said, so that the skeleton runs for real.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import driver  # noqa: E402


class APIError(Exception):
    def __init__(self, code, message, status, request_id):
        super().__init__(message)
        self.code, self.message, self.status, self.request_id = code, message, status, request_id


class Client:
    def __init__(self, endpoint, protocol, key, secret, region):
        self.env = {"endpoint": endpoint, "protocol": protocol, "key": key, "secret": secret}

    def call(self, action, params, timeout_ms=None):
        opts = {"signature": "v3", "timeout_ms": timeout_ms} if timeout_ms else {"signature": "v3"}
        status, data = driver.attempt(action, params, opts, self.env)
        body = json.loads(data)
        if 200 <= status < 300:
            return body
        raise APIError(body.get("Code"), body.get("Message"), status, body.get("RequestId"))
