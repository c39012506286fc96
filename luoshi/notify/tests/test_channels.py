"""The robots' message formats and signatures, checked against the platforms' published algorithms."""

import base64
import hashlib
import hmac
import urllib.parse

from luoshi.notify import channels

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


def test_a_dingtalk_url_carries_the_timestamp_and_the_hmac_of_timestamp_and_secret():
    url = channels.sign_dingtalk_url(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", SECRET, 1767225600250
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    expected = hmac.new(SECRET.encode(), f"1767225600250\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["access_token"] == ["abc"]
    assert query["timestamp"] == ["1767225600250"]
    assert base64.b64decode(query["sign"][0]) == expected
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1]  # url-encoded


def test_a_dingtalk_url_without_a_query_gets_one():
    assert channels.sign_dingtalk_url("http://robot.local/send", "s", 1).startswith(
        "http://robot.local/send?timestamp=1&sign="
    )


def test_a_feishu_signature_keys_the_hmac_with_timestamp_and_secret_over_nothing():
    expected = hmac.new(f"1767225600\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert base64.b64decode(channels.feishu_signature(SECRET, 1767225600)) == expected


def test_each_platform_gets_its_own_message_shape():
    assert channels.dingtalk_payload("催报", "#### 催报\n\n请报送") == {
        "msgtype": "markdown",
        "markdown": {"title": "催报", "text": "#### 催报\n\n请报送"},
    }
    assert channels.wecom_payload("催报", "**催报**") == {
        "msgtype": "markdown",
        "markdown": {"content": "**催报**"},
    }
    assert channels.feishu_payload("催报", "催报\n请报送") == {
        "msg_type": "text",
        "content": {"text": "催报\n请报送"},
    }


def test_wecom_content_is_cut_to_its_4096_byte_limit_without_breaking_a_character():
    content = channels.wecom_payload("t", "督" * 3000)["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert content.endswith("…") and content.rstrip("…").strip("督") == ""


def test_a_refusal_inside_a_200_answer_is_recognised_on_every_platform():
    assert channels.platform_error(b'{"errcode": 0, "errmsg": "ok"}') == ""
    assert channels.platform_error(b'{"code": 0, "msg": "success"}') == ""
    assert channels.platform_error(b'{"StatusCode": 0, "StatusMessage": "success"}') == ""
    assert channels.platform_error(b"ok") == ""
    assert "310000" in channels.platform_error(b'{"errcode": 310000, "errmsg": "sign not match"}')
    assert "19021" in channels.platform_error(b'{"code": 19021, "msg": "sign match fail"}')


def test_links_become_absolute_when_the_site_address_is_known(settings):
    settings.SITE_URL = "https://luoshi.example.gov.cn"
    assert channels.absolute_url("/tasks/7/") == "https://luoshi.example.gov.cn/tasks/7/"
    assert channels.absolute_url("https://elsewhere/x") == "https://elsewhere/x"
    settings.SITE_URL = ""
    assert channels.absolute_url("/tasks/7/") == "/tasks/7/"
