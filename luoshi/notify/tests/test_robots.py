"""Group robots cannot be aimed at the server's own network (SSRF), and can be tested and deleted."""

from ipaddress import ip_address

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from luoshi.audit.models import AuditEvent
from luoshi.notify import channels, egress
from luoshi.notify.models import Delivery, WebhookEndpoint
from luoshi.notify.services import BLOCKED, add_webhook, notify, update_webhook

pytestmark = pytest.mark.urls("luoshi.notify.tests.urls")

ROBOT = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"
BAD = [
    "http://oapi.dingtalk.com/robot/send?access_token=abc",  # not https
    "https://robot.example.com/send",  # not a robot host
    "http://127.0.0.1:8000/admin/",
    "https://127.0.0.1/robot/send",
    "https://10.0.0.8/robot/send",
    "https://169.254.169.254/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/",
    "https://[::1]/robot/send",
    "https://[::ffff:127.0.0.1]/robot/send",
    "http://2130706433/",
    "https://2130706433/robot/send",
    "https://0177.0.0.1/robot/send",
    "https://oapi.dingtalk.com@127.0.0.1/robot/send",
]


def resolve_to(*addresses):
    calls = []

    def resolver(host, port):
        calls.append(host)
        return list(addresses)

    resolver.calls = calls
    return resolver


@pytest.mark.parametrize("url", BAD)
def test_a_robot_address_outside_the_rules_is_refused_when_saved(city, url):
    with pytest.raises(ValidationError) as exc:
        add_webhook(unit=city.qingshan, platform="dingtalk", url=url, by=city.city_supervisor)
    assert "url" in exc.value.message_dict
    endpoint = add_webhook(unit=city.qingshan, platform="dingtalk", url=ROBOT, by=city.city_supervisor)
    with pytest.raises(ValidationError):
        update_webhook(endpoint=endpoint, url=url, by=city.city_supervisor)
    assert list(WebhookEndpoint.objects.values_list("url", flat=True)) == [ROBOT]


@pytest.mark.parametrize("url", BAD)
def test_the_robot_form_shows_why_an_address_is_refused(client, city, url):
    client.force_login(city.county_supervisor)
    robot = {"platform": "dingtalk", "url": url, "secret": ""}
    response = client.post(reverse("notify:robot_add", args=[city.qingshan.pk]), robot)
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"


def test_a_refused_address_says_what_is_wrong(client, city, settings):
    client.force_login(city.county_supervisor)
    for url, rule in [
        ("http://oapi.dingtalk.com/robot/send", "scheme"),
        ("https://169.254.169.254/latest/meta-data/", "number"),
        ("https://robot.example.com/send", "host"),
        ("https://oapi.dingtalk.com@127.0.0.1/robot/send", "credentials"),
    ]:
        robot = {"platform": "dingtalk", "url": url, "secret": ""}
        response = client.post(reverse("notify:robot_add", args=[city.qingshan.pk]), robot, follow=True)
        with translation.override(settings.LANGUAGE_CODE):
            says = escape(str(BLOCKED[rule]))
        assert says in response.content.decode(), url


def test_a_host_named_in_the_setting_may_be_saved_and_production_rules_allow_nothing_local(city, settings):
    settings.ROBOT_HOSTS = ["robot.example.gov.cn"]
    add_webhook(
        unit=city.qingshan, platform="wecom", url="https://robot.example.gov.cn/hook", by=city.city_supervisor
    )
    rules = channels.robot_rules()
    assert rules.schemes == {"https"} and rules.exempt == ()
    assert rules.hosts == egress.PLATFORM_HOSTS | {"robot.example.gov.cn"}


def test_a_robot_whose_host_resolves_to_a_private_address_is_not_sent_to(
    city, receiver, monkeypatch, huey_inline, django_capture_on_commit_callbacks
):
    # The receiver listens on 127.0.0.1: if the guard let the request through, it would arrive there.
    port = receiver.base.rsplit(":", 1)[1]
    endpoint = add_webhook(
        unit=city.qingshan,
        platform="dingtalk",
        url=f"https://oapi.dingtalk.com:{port}/robot/send?access_token=t",
        by=city.city_supervisor,
    )
    for answer in (["127.0.0.1"], ["203.119.129.1", "10.0.0.7"], ["169.254.169.254"], ["::ffff:127.0.0.1"]):
        resolver = resolve_to(*answer)
        monkeypatch.setattr(egress, "system_resolver", resolver)
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                recipients=[city.county_liaison],
                kind="report_due",
                title="催报",
                body="",
                units=[city.qingshan],
            )
        delivery = Delivery.objects.filter(channel="webhook").latest("id")
        assert delivery.target == str(endpoint.pk) and delivery.status == "failed"
        assert delivery.error.startswith("not sent:") and str(ip_address(answer[-1])) in delivery.error
        assert delivery.attempts == 1 and resolver.calls == ["oapi.dingtalk.com"]
    assert receiver.requests == []


def test_a_request_goes_to_the_address_that_was_checked_with_the_host_name_kept(
    city, receiver, monkeypatch, loopback_robots, huey_inline, django_capture_on_commit_callbacks
):
    port = receiver.base.rsplit(":", 1)[1]
    add_webhook(
        unit=city.qingshan,
        platform="wecom",
        url=f"http://qyapi.weixin.qq.com:{port}/cgi-bin/webhook/send?key=k",
        by=city.city_supervisor,
    )
    resolver = resolve_to("127.0.0.1")
    monkeypatch.setattr(egress, "system_resolver", resolver)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[city.county_liaison], kind="report_due", title="催报", body="", units=[city.qingshan]
        )
    [request] = receiver.to("/cgi-bin/webhook/send")
    assert request.host == f"qyapi.weixin.qq.com:{port}"
    assert resolver.calls == ["qyapi.weixin.qq.com"]  # asked once; the connection did not ask again
    assert Delivery.objects.get(channel="webhook").status == "sent"


def test_a_redirect_is_not_followed(
    city, receiver, loopback_robots, huey_inline, django_capture_on_commit_callbacks
):
    receiver.redirects["/ding"] = receiver.url("/landed")
    endpoint = add_webhook(
        unit=city.qingshan, platform="dingtalk", url=receiver.url("/ding"), by=city.city_supervisor
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[city.county_liaison], kind="report_due", title="催报", body="", units=[city.qingshan]
        )
    assert len(receiver.to("/ding")) == 1 and receiver.to("/landed") == []
    delivery = Delivery.objects.get(channel="webhook", target=str(endpoint.pk))
    assert delivery.status == "failed" and delivery.attempts == 1
    assert "302" in delivery.error and "redirect not followed" in delivery.error


def test_an_office_sends_a_test_message_and_it_is_audited(client, city, receiver, loopback_robots):
    endpoint = add_webhook(
        unit=city.qingshan, platform="wecom", url=receiver.url("/wecom"), by=city.city_supervisor
    )
    client.force_login(city.county_supervisor)
    response = client.post(reverse("notify:robot_test", args=[endpoint.pk]), follow=True)
    assert response.status_code == 200
    [request] = receiver.to("/wecom")
    assert "青山县" in request.body["markdown"]["content"]
    delivery = Delivery.objects.get(channel="webhook", kind="robot_test")
    assert delivery.status == "sent" and delivery.notice is None
    event = AuditEvent.objects.get(action="webhook.test")
    assert event.actor_id == city.county_supervisor.pk and event.object_id == str(endpoint.pk)
    assert event.after == {"status": "sent", "error": "", "delivery": delivery.pk}
    assert "0123456789abcdef" not in str(event.after)


def test_a_test_message_to_a_private_address_is_refused_and_the_refusal_audited(
    client, city, receiver, monkeypatch
):
    port = receiver.base.rsplit(":", 1)[1]
    endpoint = add_webhook(
        unit=city.qingshan,
        platform="feishu",
        url=f"https://open.feishu.cn:{port}/open-apis/bot/v2/hook/t",
        by=city.city_supervisor,
    )
    monkeypatch.setattr(egress, "system_resolver", resolve_to("192.168.3.4"))
    client.force_login(city.county_supervisor)
    response = client.post(reverse("notify:robot_test", args=[endpoint.pk]), follow=True)
    assert "192.168.3.4" in response.content.decode()
    assert receiver.requests == []
    event = AuditEvent.objects.get(action="webhook.test")
    assert event.after["status"] == "failed" and event.after["error"].startswith("not sent:")


def test_an_office_deletes_a_robot_after_confirming_and_it_is_audited(client, city):
    endpoint = add_webhook(unit=city.qingshan, platform="dingtalk", url=ROBOT, by=city.city_supervisor)
    url = reverse("notify:robot_delete", args=[endpoint.pk])
    client.force_login(city.county_supervisor)
    unit_page = client.get(reverse("orgs:unit_detail", args=[city.qingshan.pk])).content.decode()
    assert url in unit_page and reverse("notify:robot_test", args=[endpoint.pk]) in unit_page
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="robot-delete"' in confirm.content.decode()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()  # asking is not deleting
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("orgs:unit_detail", args=[city.qingshan.pk])
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    event = AuditEvent.objects.get(action="webhook.delete")
    assert event.actor_id == city.county_supervisor.pk and event.object_id == str(endpoint.pk)
    assert event.before["platform"] == "dingtalk" and event.before["unit_id"] == city.qingshan.pk
    assert "0123456789abcdef" not in str(event.before)


def test_only_the_units_office_may_test_switch_or_delete_its_robot_and_outsiders_get_404(
    client, city, receiver
):
    endpoint = add_webhook(unit=city.qingshan, platform="dingtalk", url=ROBOT, by=city.city_supervisor)
    baisha = add_webhook(unit=city.baisha, platform="dingtalk", url=ROBOT, by=city.city_supervisor)
    urls = [
        ("post", reverse("notify:robot_test", args=[endpoint.pk])),
        ("post", reverse("notify:robot_toggle", args=[endpoint.pk])),
        ("get", reverse("notify:robot_delete", args=[endpoint.pk])),
        ("post", reverse("notify:robot_delete", args=[endpoint.pk])),
    ]
    for person, status in [
        (city.outsider, 404),  # 白沙县's: 青山县's robots are not there for them
        (city.department_liaison, 404),
        (city.county_liaison, 403),  # in scope, but not the office
        (city.county_head, 403),
        (city.leader, 403),
    ]:
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == status, (person, url)
    client.force_login(city.county_supervisor)
    for action in ("robot_test", "robot_toggle", "robot_delete"):
        assert client.post(reverse(f"notify:{action}", args=[baisha.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(is_active=True).count() == 2
    assert not AuditEvent.objects.filter(action__in=["webhook.test", "webhook.delete", "webhook.update"])
    assert receiver.requests == []


def test_the_robot_pages_need_a_post_or_a_sign_in(client, city):
    endpoint = add_webhook(unit=city.qingshan, platform="dingtalk", url=ROBOT, by=city.city_supervisor)
    client.force_login(city.county_supervisor)
    assert client.get(reverse("notify:robot_test", args=[endpoint.pk])).status_code == 405
    client.logout()
    response = client.post(reverse("notify:robot_delete", args=[endpoint.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_robot_saved_before_the_rules_can_be_switched_off_and_deleted_but_is_never_sent_to(
    client, city, receiver, huey_inline, django_capture_on_commit_callbacks
):
    legacy = WebhookEndpoint.objects.create(unit=city.qingshan, platform="wecom", url=receiver.url("/old"))
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[city.county_liaison], kind="report_due", title="催报", body="", units=[city.qingshan]
        )
    delivery = Delivery.objects.get(channel="webhook", target=str(legacy.pk))
    assert delivery.status == "failed" and delivery.error.startswith("not sent:")
    assert receiver.requests == []
    client.force_login(city.county_supervisor)
    assert client.post(reverse("notify:robot_toggle", args=[legacy.pk])).status_code == 302
    legacy.refresh_from_db()
    assert not legacy.is_active
    assert client.post(reverse("notify:robot_delete", args=[legacy.pk])).status_code == 302
    assert not WebhookEndpoint.objects.exists()
