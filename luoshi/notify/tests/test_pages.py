import pytest
from django.urls import reverse

from luoshi.notify.models import Notice
from luoshi.notify.services import notify
from luoshi.testing import count_queries

pytestmark = pytest.mark.urls("luoshi.notify.tests.urls")


def send(city, recipients, title):
    return notify(recipients=recipients, kind="report_due", title=title, body="请按时报送", url="/tasks/")


def test_a_user_sees_only_their_own_notices_newest_first_unread_in_bold(client, city):
    send(city, [city.county_liaison], "第11期催报")
    (later,) = send(city, [city.county_liaison], "第12期催报")
    send(city, [city.outsider], "白沙县催报")
    Notice.objects.filter(title="第11期催报").update(read_at=later.created_at)
    client.force_login(city.county_liaison)
    response = client.get(reverse("notify:notice_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "白沙县催报" not in html
    assert html.index("第12期催报") < html.index("第11期催报")
    assert html.count('data-unread="yes"') == 1 and "fw-bold" in html
    assert response.context["unread"] == 1


def test_the_notice_list_runs_a_fixed_number_of_queries(client, city):
    for n in range(3):
        send(city, [city.county_liaison], f"第{n}期催报")
    client.force_login(city.county_liaison)
    few = count_queries(client, reverse("notify:notice_list"))
    for n in range(20):
        send(city, [city.county_liaison], f"第{n}期催报")
    assert count_queries(client, reverse("notify:notice_list")) == few


def test_marking_read_one_and_then_all(client, city):
    first, *_ = [send(city, [city.county_liaison], f"第{n}期催报")[0] for n in range(3)]
    client.force_login(city.county_liaison)
    response = client.post(reverse("notify:notice_read", args=[first.pk]), {"next": "/tasks/"})
    assert response.status_code == 302 and response.url == "/tasks/"
    assert Notice.objects.for_user(city.county_liaison).unread().count() == 2
    response = client.post(reverse("notify:notice_read_all"))
    assert response.status_code == 302 and response.url == reverse("notify:notice_list")
    assert Notice.objects.for_user(city.county_liaison).unread().count() == 0


def test_marking_read_does_not_redirect_off_site(client, city):
    (notice,) = send(city, [city.county_liaison], "催报")
    client.force_login(city.county_liaison)
    response = client.post(reverse("notify:notice_read", args=[notice.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("notify:notice_list")


def test_an_outsider_cannot_mark_anothers_notice_read(client, city):
    (notice,) = send(city, [city.county_liaison], "催报")
    for person in (city.outsider, city.city_supervisor, city.admin):
        client.force_login(person)
        assert client.post(reverse("notify:notice_read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_needs_a_post(client, city):
    (notice,) = send(city, [city.county_liaison], "催报")
    client.force_login(city.county_liaison)
    assert client.get(reverse("notify:notice_read", args=[notice.pk])).status_code == 405
    assert client.get(reverse("notify:notice_read_all")).status_code == 405


def test_an_anonymous_visitor_is_sent_to_sign_in(client, city):
    (notice,) = send(city, [city.county_liaison], "催报")
    for method, url in [
        ("get", reverse("notify:notice_list")),
        ("post", reverse("notify:notice_read", args=[notice.pk])),
        ("post", reverse("notify:notice_read_all")),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_an_office_adds_a_group_robot_on_the_unit_page_and_an_outsider_cannot(client, city):
    from django.urls import reverse

    from luoshi.notify.models import WebhookEndpoint

    url = reverse("notify:robot_add", args=[city.qingshan.pk])
    robot = {
        "platform": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "",
    }
    client.force_login(city.county_liaison)
    assert client.post(url, robot).status_code == 403
    client.force_login(city.outsider)
    assert client.post(url, robot).status_code == 404
    assert not WebhookEndpoint.objects.exists()
    client.force_login(city.county_supervisor)
    assert (
        'data-testid="robots"'
        in client.get(reverse("orgs:unit_detail", args=[city.qingshan.pk])).content.decode()
    )
    assert client.post(url, robot).status_code == 302
    endpoint = WebhookEndpoint.objects.get(unit=city.qingshan)
    client.post(reverse("notify:robot_toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active


def test_the_header_shows_the_number_of_unread_notices(client, city):
    # Counted lazily (web.context.navigation): a page with the header still shows it.
    send(city, [city.county_liaison], "第11期催报")
    send(city, [city.county_liaison], "第12期催报")
    send(city, [city.outsider], "白沙县催报")
    client.force_login(city.county_liaison)
    html = client.get(reverse("notify:notice_list")).content.decode()
    badge = html[html.index('data-testid="notices"') :].split("</a>")[0]
    assert '<span class="badge rounded-pill text-bg-warning">2</span>' in badge
