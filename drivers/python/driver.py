#!/usr/bin/env python3
"""An eniconform driver with no SDK: Python 3's standard library only.

It speaks docs/driver-protocol.md on stdin/stdout and builds, signs (V1
HMAC-SHA1 and ACS3-HMAC-SHA256), sends and reads each request itself, as
§6 of the protocol describes:

    eniconform sdk --driver 'python3 drivers/python/driver.py'

It is its own SDK: what it parses is what it surfaces. Retries (attempts)
follow the classic SDKs: a 5xx answer or a transport error is retried,
signed afresh, after backoff_ms.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import socket
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

API_VERSION = "2014-05-26"
HELLO = {"protocol": 1, "sdk": "python-stdlib (drivers/python/driver.py)",
         "version": "1 (Python %d.%d)" % sys.version_info[:2],
         "options": {"signature": ["v1", "v3"], "method": ["POST", "GET"], "body": ["query", "form"],
                     "format": ["JSON", "XML"], "timeout": True, "attempts": True, "backoff": True}}
# The response model XML needs (JSON carries its own types): list wrappers
# and their items, integer and boolean fields.
LISTS = {"SecurityGroupIds": "SecurityGroupId", "PrivateIpSets": "PrivateIpSet", "Tags": "Tag",
         "NetworkInterfaceSets": "NetworkInterfaceSet", "Ipv6Sets": "Ipv6Set",
         "Ipv4PrefixSets": "Ipv4PrefixSet", "Ipv6PrefixSets": "Ipv6PrefixSet"}
INTS = {"TotalCount", "PageNumber", "PageSize", "QueueNumber", "QueuePairNumber", "ServiceID"}
BOOLS = {"Primary", "ServiceManaged", "SourceDestCheck", "DeleteOnRelease"}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def pe(s):
    """RFC 3986 percent-encoding of the UTF-8 bytes of s."""
    return urllib.parse.quote(s, safe="-_.~")


def flatten(params):
    """The API's typed params as flat (name, value) pairs: X.1, X.1.Key, X.Field."""
    out = []

    def walk(name, v):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(name + "." + k, x)
        elif isinstance(v, list):
            for i, x in enumerate(v, 1):
                walk("%s.%d" % (name, i), x)
        else:
            out.append((name, ("true" if v else "false") if isinstance(v, bool) else str(v)))
    for k, v in params.items():
        walk(k, v)
    return out


def canonical(pairs):
    return "&".join(pe(k) + "=" + pe(v) for k, v in sorted(pairs))


def sign_v1(method, pairs, secret):
    sts = method + "&" + pe("/") + "&" + pe(canonical(pairs))
    return base64.b64encode(hmac.new((secret + "&").encode(), sts.encode(), hashlib.sha1).digest()).decode()


def sign_v3(method, query, headers, body_hash, key_id, secret):
    """The Authorization header; headers are lower-case and hold what is signed."""
    names = sorted(headers)
    request = "\n".join([method, "/", canonical(query), "".join(n + ":" + headers[n].strip() + "\n" for n in names),
                         ";".join(names), body_hash])
    sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(request.encode()).hexdigest()
    sig = hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest()
    return "ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s" % (key_id, ";".join(names), sig)


def build(action, params, opts, env, now, nonce):
    """(method, target, headers, body) of one signed request."""
    method, form = opts.get("method", "POST"), opts.get("body") == "form"
    api = flatten(params)
    body = canonical(api).encode() if form else b""
    headers = {"content-type": "application/x-www-form-urlencoded"} if form else {}
    if opts.get("signature", "v1") == "v1":
        common = [("Action", action), ("Version", API_VERSION), ("Format", opts.get("format", "JSON")),
                  ("AccessKeyId", env["key"]), ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
                  ("SignatureNonce", nonce), ("Timestamp", now)]
        query = common + ([] if form else api)
        query.append(("Signature", sign_v1(method, common + api, env["secret"])))
    else:
        query = [] if form else list(api)
        headers.update({"host": env["endpoint"], "x-acs-action": action, "x-acs-version": API_VERSION, "x-acs-date": now,
                        "x-acs-signature-nonce": nonce, "x-acs-content-sha256": hashlib.sha256(body).hexdigest()})
        headers["authorization"] = sign_v3(method, query, dict(headers), headers["x-acs-content-sha256"],
                                           env["key"], env["secret"])
    return method, "/?" + canonical(query) if query else "/", headers, body


def xml_value(el):
    kids = list(el)
    if el.tag in LISTS:
        return {LISTS[el.tag]: [xml_value(k) for k in kids]}
    if not kids:
        text = el.text or ""
        return int(text) if el.tag in INTS and text.lstrip("-").isdigit() else (
            text == "true" if el.tag in BOOLS and text in ("true", "false") else text)
    return {k.tag: xml_value(k) for k in kids}


def parse(data, xml):
    """The body as an object; raises ValueError (or ET.ParseError) when unreadable."""
    obj = xml_value(ET.fromstring(data)) if xml else json.loads(data.decode())
    if not isinstance(obj, dict):
        raise ValueError("the body is not an object")
    return obj


def attempt(action, params, opts, env):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    method, target, headers, body = build(action, params, opts, env, now, uuid.uuid4().hex)
    conn_type = http.client.HTTPSConnection if env["protocol"] == "https" else http.client.HTTPConnection
    conn = conn_type(env["endpoint"], timeout=opts.get("timeout_ms", 30000) / 1000)
    try:
        conn.request(method, target, body=body or None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def answer(call, env):
    opts, action, params = call.get("options", {}), call["action"], call.get("params", {})
    if opts.get("signature") == "v3" and opts.get("format") == "XML":
        return {"unsupported": "under ACS3 the gateway answers JSON: no Format is sent"}
    start, attempts = time.monotonic(), opts.get("attempts", 1)
    for n in range(1, attempts + 1):
        try:
            status, data = attempt(action, params, opts, env)
            if status < 500 or n == attempts:
                return surface(status, data, opts.get("format") == "XML", start)
        except (OSError, http.client.HTTPException) as e:
            if n == attempts:
                kind = "timeout" if isinstance(e, (TimeoutError, socket.timeout)) else "connection"
                return failure(kind, e, start)
        time.sleep(opts.get("backoff_ms", 0) / 1000)


def surface(status, data, xml, start):
    if 200 <= status < 300:
        try:
            return {"ok": parse(data, xml)}
        except (ValueError, ET.ParseError) as e:
            return failure("parse", e, start)
    try:
        err = parse(data, data.lstrip().startswith(b"<"))  # JSON, or XML under <Error>
        return {"error": {"code": err.get("Code"), "message": err.get("Message"), "http_status": status,
                          "request_id": err.get("RequestId")}}
    except (ValueError, ET.ParseError):
        return {"error": {"message": data.decode(errors="replace")[:2000], "http_status": status}}


def failure(kind, e, start):
    return {"failure": {"kind": kind, "text": "%s: %s" % (type(e).__name__, e),
                        "elapsed_ms": int((time.monotonic() - start) * 1000)}}


def main():
    names = {"key": "ALIBABA_CLOUD_ACCESS_KEY_ID", "secret": "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
             "endpoint": "ENICONFORM_ENDPOINT", "protocol": "ENICONFORM_PROTOCOL"}
    missing = [v for v in names.values() if not os.environ.get(v)]
    if missing:
        stop("set " + ", ".join(missing))
    env = {k: os.environ[v] for k, v in names.items()}
    print(json.dumps(HELLO), flush=True)
    for line in sys.stdin.buffer:
        try:
            call = json.loads(line.decode())
            call_id, _ = call["id"], call["action"]
        except (ValueError, KeyError, TypeError) as e:
            stop("not a call (%s): %r" % (e, line[:200]))
        print(json.dumps(dict(answer(call, env), id=call_id)), flush=True)


def stop(why):
    print("driver.py: " + why, file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
