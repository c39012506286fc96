"""The robot address guard on its own: which addresses it refuses before any DNS, and after."""

import http.server
import ipaddress
import ssl
import threading

import pytest
import trustme

from luoshi.notify import egress

RULES = egress.Rules()
ROBOT = "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.mark.parametrize(
    "url",
    [
        ROBOT,
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "https://open.feishu.cn/open-apis/bot/v2/hook/t",
        "https://open.larksuite.com/open-apis/bot/v2/hook/t",
        "HTTPS://OAPI.DINGTALK.COM./robot/send?access_token=abc",
    ],
)
def test_the_platforms_robot_addresses_pass(url):
    target = egress.check_url(url, RULES)
    assert target.scheme == "https" and target.port == 443 and target.host in egress.PLATFORM_HOSTS


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://oapi.dingtalk.com/robot/send?access_token=abc", "scheme"),
        ("ftp://oapi.dingtalk.com/robot/send", "scheme"),
        ("//oapi.dingtalk.com/robot/send", "scheme"),
        ("https://robot.example.com/send", "host"),
        ("https://oapi.dingtalk.com.evil.example/robot/send", "host"),
        ("https://evil.example/oapi.dingtalk.com/robot/send", "host"),
        ("https://localhost/robot/send", "host"),
        ("https://oapi.dingtalk.com@127.0.0.1/robot/send", "credentials"),
        ("https://user:pw@oapi.dingtalk.com/robot/send", "credentials"),
        ("https://127.0.0.1/robot/send", "number"),
        ("https://10.0.0.8/robot/send", "number"),
        ("https://169.254.169.254/latest/meta-data/", "number"),
        ("https://100.100.100.200/latest/meta-data/", "number"),
        ("https://[::1]/robot/send", "number"),
        ("https://[::ffff:127.0.0.1]/robot/send", "number"),
        ("https://[::ffff:a9fe:a9fe]/latest/meta-data/", "number"),
        ("https://2130706433/robot/send", "number"),  # 127.0.0.1 as one decimal number
        ("https://0177.0.0.1/robot/send", "number"),  # octal
        ("https://0x7f.1/robot/send", "number"),  # hexadecimal, shortened
        ("https://oapi.dingtalk.com:99999/robot/send", "invalid"),
        ("https://[::1/robot/send", "invalid"),
    ],
)
def test_a_bad_robot_address_is_refused_before_any_dns(url, code):
    with pytest.raises(egress.Blocked) as exc:
        egress.check_url(url, RULES)
    assert exc.value.code == code


def test_a_host_added_by_the_operator_passes_but_never_as_a_number():
    rules = egress.Rules(hosts=egress.PLATFORM_HOSTS | {"robot.example.gov.cn", "127.0.0.1"})
    assert egress.check_url("https://robot.example.gov.cn/hook", rules).host == "robot.example.gov.cn"
    with pytest.raises(egress.Blocked):
        egress.check_url("https://127.0.0.1/hook", rules)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
    ],
)
def test_a_non_public_address_is_not_public(address):
    assert not egress.is_public(ipaddress.ip_address(address))
    with pytest.raises(egress.Blocked):
        egress.check_address(ipaddress.ip_address(address), RULES)


@pytest.mark.parametrize("address", ["203.119.129.1", "106.11.35.10", "2408:4000::1"])
def test_a_public_address_is_public(address):
    assert egress.is_public(ipaddress.ip_address(address))


def test_every_address_a_host_resolves_to_is_checked():
    target = egress.check_url(ROBOT, RULES)
    assert egress.checked_address(target, RULES, lambda host, port: ["203.119.129.1"]) == "203.119.129.1"
    with pytest.raises(egress.Blocked) as exc:
        egress.checked_address(target, RULES, lambda host, port: ["203.119.129.1", "10.0.0.7"])
    assert "10.0.0.7" in str(exc.value)
    with pytest.raises(egress.Blocked):
        egress.checked_address(target, RULES, lambda host, port: [])


def test_an_exemption_never_reaches_a_metadata_address():
    everything = egress.Rules(exempt=(ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")))
    egress.check_address(ipaddress.ip_address("127.0.0.1"), everything)
    for metadata in ("169.254.169.254", "::ffff:169.254.169.254", "100.100.100.200", "fd00:ec2::254"):
        with pytest.raises(egress.Blocked):
            egress.check_address(ipaddress.ip_address(metadata), everything)


@pytest.fixture
def tls_robot():
    """A TLS server on 127.0.0.1 with a test CA's certificate for oapi.dingtalk.com; records requests."""
    ca = trustme.CA()
    seen: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen["host"] = self.headers["Host"]
            seen["path"] = self.path
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    def remember_sni(sock, name, context):
        seen["sni"] = name

    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("oapi.dingtalk.com").configure_cert(server_tls)
    server_tls.sni_callback = remember_sni
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = server_tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    yield server.server_address[1], client_tls, seen
    server.shutdown()
    server.server_close()
    thread.join()


def test_tls_goes_to_the_checked_address_and_still_checks_the_certificate_for_the_host_name(tls_robot):
    port, trusting, seen = tls_robot
    loopback = egress.Rules(exempt=(ipaddress.ip_network("127.0.0.0/8"),))
    answer = egress.post(
        f"https://oapi.dingtalk.com:{port}/robot/send?access_token=t",
        b"{}",
        headers={"Content-Type": "application/json"},
        rules=loopback,
        timeout=5,
        limit=100,
        resolver=lambda host, port: ["127.0.0.1"],
        tls=trusting,
    )
    assert answer.status == 200
    assert seen == {
        "sni": "oapi.dingtalk.com",
        "host": f"oapi.dingtalk.com:{port}",
        "path": "/robot/send?access_token=t",
    }
    with pytest.raises(ssl.SSLCertVerificationError):  # the same server, asked as another host
        egress.post(
            f"https://open.feishu.cn:{port}/open-apis/bot/v2/hook/t",
            b"{}",
            headers={},
            rules=loopback,
            timeout=5,
            limit=100,
            resolver=lambda host, port: ["127.0.0.1"],
            tls=trusting,
        )
