"""Known answers for driver.py's signing (API-FACTS §7, docs/driver-protocol.md §6).

Run: python3 -m unittest discover -s drivers/python  (the Go tests run it too)
"""
import hashlib
import unittest

import driver


class Signing(unittest.TestCase):
    def test_v1_known_answer(self):
        pairs = [("Action", "DescribeRegions"), ("Format", "XML"), ("SignatureMethod", "HMAC-SHA1"),
                 ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"), ("SignatureVersion", "1.0"),
                 ("Timestamp", "2016-02-23T12:46:24Z"), ("Version", "2014-05-26"), ("AccessKeyId", "testid")]
        self.assertEqual(driver.sign_v1("GET", pairs, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")

    def test_v3_known_answer(self):
        headers = {"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
                   "x-acs-version": "2014-05-26", "x-acs-date": "2023-10-26T09:01:01Z",
                   "x-acs-signature-nonce": "d410180a5abf7fe235dd9b74aca91fc0",
                   "x-acs-content-sha256": hashlib.sha256(b"").hexdigest()}
        query = [("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"), ("RegionId", "cn-shanghai")]
        auth = driver.sign_v3("POST", query, headers, driver.EMPTY_SHA256, "YourAccessKeyId", "YourAccessKeySecret")
        self.assertEqual(auth, "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                               "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                               "Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804")


class Encoding(unittest.TestCase):
    def test_flatten(self):
        params = {"SecurityGroupIds": ["sg-1"], "Tag": [{"Key": "k", "Value": ""}],
                  "ConnectionTrackingConfiguration": {"UdpTimeout": 30}, "DeleteOnRelease": False, "Empty": []}
        self.assertEqual(driver.flatten(params), [("SecurityGroupIds.1", "sg-1"), ("Tag.1.Key", "k"),
                                                  ("Tag.1.Value", ""), ("ConnectionTrackingConfiguration.UdpTimeout", "30"),
                                                  ("DeleteOnRelease", "false")])

    def test_percent_encoding(self):
        self.assertEqual(driver.pe("a b*c~d+e/ü"), "a%20b%2Ac~d%2Be%2F%C3%BC")

    def test_form_body_v1(self):
        env = {"key": "id", "secret": "s", "endpoint": "127.0.0.1:1", "protocol": "http"}
        method, target, headers, body = driver.build("A", {"X": "1 2"}, {"body": "form"}, env, "T", "N")
        self.assertEqual((method, body, headers["content-type"]), ("POST", b"X=1%202", "application/x-www-form-urlencoded"))
        self.assertNotIn("X=", target)
        self.assertIn("Signature=", target)

    def test_xml_model(self):
        body = (b"<R><TotalCount>1</TotalCount><SecurityGroupIds><SecurityGroupId>sg-1</SecurityGroupId>"
                b"</SecurityGroupIds><PrivateIpSets/><Primary>true</Primary><Description>true</Description></R>")
        self.assertEqual(driver.parse(body, True), {"TotalCount": 1, "SecurityGroupIds": {"SecurityGroupId": ["sg-1"]},
                                                    "PrivateIpSets": {"PrivateIpSet": []}, "Primary": True,
                                                    "Description": "true"})


if __name__ == "__main__":
    unittest.main()
