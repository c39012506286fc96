import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.notify import services
from luoshi.notify.models import Notice, WebhookEndpoint

ROBOT = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"


def send(city, recipients, **kwargs):
    fields = {
        "kind": "report_late",
        "title": "逾期未报",
        "body": "第12期未报送",
        "by": city.city_supervisor,
        **kwargs,
    }
    return services.notify(recipients=recipients, **fields)


def test_every_notify_writes_exactly_one_audit_event(city):
    notices = send(
        city, [city.county_liaison, city.township_liaison, city.county_liaison], units=[city.qingshan]
    )
    assert [n.recipient for n in notices] == [city.county_liaison, city.township_liaison]
    event = AuditEvent.objects.get(action="notify.send")
    assert event.actor_id == city.city_supervisor.pk
    assert event.object_id == str(notices[0].pk)
    assert event.after == {
        "kind": "report_late",
        "title": "逾期未报",
        "recipients": [city.county_liaison.pk, city.township_liaison.pk],
        "units": [city.qingshan.pk],
    }
    send(city, [city.outsider], by=None)
    assert AuditEvent.objects.filter(action="notify.send").count() == 2
    assert AuditEvent.objects.filter(action="notify.send", actor_id=None).count() == 1


def test_notify_without_recipients_writes_and_sends_nothing(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert send(city, [], units=[city.qingshan]) == []
    assert callbacks == [] and not Notice.objects.exists()
    assert not AuditEvent.objects.filter(action="notify.send").exists()


def test_notify_refuses_a_title_less_notice_and_a_script_link(city):
    with pytest.raises(ValueError):
        send(city, [city.county_liaison], title="  ")
    with pytest.raises(ValueError):
        send(city, [city.county_liaison], url="javascript:alert(1)")
    assert not Notice.objects.exists()


def test_only_the_recipient_marks_a_notice_read(city):
    (notice,) = send(city, [city.county_liaison])
    with pytest.raises(PermissionDenied):
        services.mark_read(notice=notice, by=city.city_supervisor)
    services.mark_read(notice=notice, by=city.county_liaison)
    services.mark_read(notice=notice, by=city.county_liaison)
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEvent.objects.filter(action="notice.read", object_id=str(notice.pk)).count() == 1


def test_mark_all_read_touches_only_the_users_unread_notices(city):
    send(city, [city.county_liaison, city.outsider])
    send(city, [city.county_liaison])
    assert services.mark_all_read(by=city.county_liaison) == 2
    assert services.mark_all_read(by=city.county_liaison) == 0
    assert Notice.objects.for_user(city.county_liaison).unread().count() == 0
    assert Notice.objects.for_user(city.outsider).unread().count() == 1
    assert AuditEvent.objects.filter(action="notice.read_all").count() == 1


def test_a_supervisor_connects_a_robot_within_their_jurisdiction(city):
    endpoint = services.add_webhook(
        unit=city.qingshan_town, platform="dingtalk", url=ROBOT, secret="SECabc", by=city.county_supervisor
    )
    assert endpoint.is_active and endpoint.secret == "SECabc"
    event = AuditEvent.objects.get(action="webhook.create")
    assert event.after["platform"] == "dingtalk" and event.after["unit_id"] == city.qingshan_town.pk
    text = str(event.after)
    assert "0123456789abcdef" not in text and "SECabc" not in text  # credentials stay out of the log


def test_a_liaison_cannot_connect_a_robot(city):
    with pytest.raises(PermissionDenied):
        services.add_webhook(unit=city.qingshan, platform="wecom", url=ROBOT, by=city.county_liaison)
    assert not WebhookEndpoint.objects.exists()


def test_a_county_supervisor_cannot_connect_a_robot_for_another_county(city):
    with pytest.raises(PermissionDenied):
        services.add_webhook(unit=city.baisha, platform="wecom", url=ROBOT, by=city.county_supervisor)
    endpoint = services.add_webhook(unit=city.baisha, platform="wecom", url=ROBOT, by=city.city_supervisor)
    with pytest.raises(PermissionDenied):
        services.update_webhook(endpoint=endpoint, is_active=False, by=city.county_supervisor)


@pytest.mark.parametrize(
    ("platform", "url", "field"),
    [
        ("slack", ROBOT, "platform"),
        ("wecom", "ftp://robot.example/x", "url"),
        ("wecom", "not a url", "url"),
    ],
)
def test_a_bad_robot_is_refused_naming_the_field(city, platform, url, field):
    with pytest.raises(ValidationError) as exc:
        services.add_webhook(unit=city.qingshan, platform=platform, url=url, by=city.city_supervisor)
    assert field in exc.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_an_update_is_audited_with_before_and_after_and_shows_a_changed_secret(city):
    endpoint = services.add_webhook(unit=city.qingshan, platform="feishu", url=ROBOT, by=city.city_supervisor)
    services.update_webhook(endpoint=endpoint, secret="SECnew", is_active=False, by=city.county_supervisor)
    endpoint.refresh_from_db()
    assert endpoint.secret == "SECnew" and not endpoint.is_active and endpoint.url == ROBOT
    event = AuditEvent.objects.get(action="webhook.update")
    assert event.before["is_active"] is True and event.after["is_active"] is False
    assert event.before["secret"] == "" and event.after["secret"].startswith("#")
    assert event.before["url"] == event.after["url"]
    with pytest.raises(ValidationError) as exc:
        services.update_webhook(endpoint=endpoint, url="robot", by=city.city_supervisor)
    assert "url" in exc.value.message_dict


def test_a_notice_with_a_key_reaches_each_recipient_once(city):
    first = send(city, [city.county_liaison], key="report_late:7")
    again = send(city, [city.county_liaison, city.county_head], key="report_late:7")
    assert [n.recipient for n in first] == [city.county_liaison]
    assert [n.recipient for n in again] == [city.county_head]  # only the one not yet told
    assert send(city, [city.county_head], key="report_late:7") == []
    assert Notice.objects.filter(key="report_late:7").count() == 2
    assert AuditEvent.objects.filter(action="notify.send").count() == 2  # nothing sent, nothing logged


def test_a_notice_with_params_is_worded_from_its_kind_and_kept_in_the_offices_words(city):
    [notice] = send(city, [city.county_liaison], title="", body="", params={"n": 2, "items": ["· 1 厂房"]})
    assert notice.params == {"n": 2, "items": ["· 1 厂房"]}
    assert notice.body == "· 1 厂房"
    with translation.override("en"):
        assert notice.words() == ("2 progress reports overdue", "· 1 厂房")


def test_the_once_per_event_check_reads_the_unique_index(city):
    """A supervisor holds a notice per report submitted to them: the check for one event's key must find it
    by the (recipient, key) index, not by reading every notice they hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send(city, [city.county_liaison], key="report_late:7")
    # As a supervisor's at a deadline: many notices, each of its own event (for PostgreSQL's planner, which
    # on a table of a few rows may take any index).
    Notice.objects.bulk_create(
        Notice(recipient=city.county_liaison, kind="report_late", title="逾期", key=f"report_late:{n}")
        for n in range(100, 600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notify_notice" if connection.vendor == "postgresql" else "ANALYZE")
    with CaptureQueriesContext(connection) as ctx:
        assert send(city, [city.county_liaison], key="report_late:7") == []
    (check,) = [q["sql"] for q in ctx.captured_queries if '"notify_notice"."key" =' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {check}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {check}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "notice_once_per_event" in plan, plan
