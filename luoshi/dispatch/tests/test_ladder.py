"""The escalation ladder: its page, who may change it, the rules a change keeps, and the notices it sends."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import reminders, services
from luoshi.dispatch.models import Escalation, Report
from luoshi.notify import ladder_services
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.ladder_audience import LABELS, Audience
from luoshi.notify.ladder_services import add_step, delete_step, ladder_stamp, update_step
from luoshi.notify.models import EscalationStep, Notice
from luoshi.notify.services import add_webhook
from luoshi.testing import make_task, make_user, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def ladder(db):
    # Browser tests flush the database, data migrations included; put the default ladder back.
    install_default_ladder(EscalationStep)


def rungs():
    return list(EscalationStep.objects.order_by("order").values_list("order", "name", "missed_in_a_row"))


def step(name):
    return EscalationStep.objects.get(name=name)


def footprint():
    return (
        rungs(),
        list(EscalationStep.objects.values_list("color", "notify_leader")),
        AuditEvent.objects.count(),
    )


def new_rung(by, **changes):
    fields = {"name": "通报", "color": "red", "missed_in_a_row": 8, "notify_leader": True, **changes}
    return add_step(by=by, **fields)


# Changing the ladder


def test_a_new_rung_takes_its_place_by_its_threshold_and_is_audited(city):
    before = rungs()
    added = new_rung(city.city_supervisor, missed_in_a_row=5)
    assert rungs() == [
        (1, "蓝色督办单", 2),
        (2, "黄色督办单", 3),
        (3, "红色督办单", 4),
        (4, "通报", 5),
        (5, "约谈", 6),
    ]
    event = AuditEvent.objects.get(action="escalation_step.create")
    assert event.object_id == str(added.pk) and event.actor_id == city.city_supervisor.pk
    assert event.before == {
        "ladder": [[pk, o, n, m] for (o, n, m), pk in zip(before, pks(before), strict=True)]
    }
    assert event.after["missed_in_a_row"] == 5 and event.after["order"] == 4
    assert [row[2] for row in event.after["ladder"]] == [
        "蓝色督办单",
        "黄色督办单",
        "红色督办单",
        "通报",
        "约谈",
    ]


def pks(rows):
    return [EscalationStep.objects.get(name=name).pk for _, name, _ in rows]


def test_a_new_threshold_moves_the_rung_and_the_event_keeps_before_and_after(city):
    blue = step("蓝色督办单")
    update_step(
        step=blue, by=city.admin, name="蓝色督办单", color="blue", missed_in_a_row=5, notify_leader=True
    )
    assert [name for _, name, _ in rungs()] == ["黄色督办单", "红色督办单", "蓝色督办单", "约谈"]
    event = AuditEvent.objects.get(action="escalation_step.update")
    assert (event.before["missed_in_a_row"], event.after["missed_in_a_row"]) == (2, 5)
    assert (event.before["order"], event.after["order"]) == (1, 3)
    assert (event.before["notify_leader"], event.after["notify_leader"]) == (False, True)


def test_saving_a_rung_unchanged_records_nothing(city):
    red = step("红色督办单")
    update_step(
        step=red, by=city.admin, name="红色督办单", color="red", missed_in_a_row=4, notify_leader=True
    )
    assert not AuditEvent.objects.filter(action="escalation_step.update").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "长" * 51}, "name"),
        ({"name": "黄色督办单"}, "name"),  # names are unique
        ({"color": "purple"}, "color"),
        ({"missed_in_a_row": 0}, "missed_in_a_row"),
        ({"missed_in_a_row": 53}, "missed_in_a_row"),
        ({"missed_in_a_row": 3}, "missed_in_a_row"),  # 黄色督办单's: the climb would take only one of them
    ],
)
def test_a_bad_rung_is_refused_by_field_and_writes_nothing(city, changes, field):
    before = footprint()
    with pytest.raises(ValidationError) as refused:
        new_rung(city.city_supervisor, **changes)
    assert list(refused.value.message_dict) == [field]
    assert footprint() == before


def test_a_threshold_taken_by_another_rung_names_it(city):
    with pytest.raises(ValidationError) as refused:
        update_step(
            step=step("约谈"), by=city.admin, name="约谈", color="red", missed_in_a_row=4, notify_leader=True
        )
    assert "红色督办单" in refused.value.message_dict["missed_in_a_row"][0]


def test_only_an_administrator_or_the_city_office_changes_the_ladder(city):
    before = footprint()
    for someone in (city.county_supervisor, city.county_liaison, city.leader, city.outsider):
        with pytest.raises(PermissionDenied):
            new_rung(someone)
        with pytest.raises(PermissionDenied):
            delete_step(step=step("约谈"), by=someone)
    assert footprint() == before
    new_rung(city.admin, name="问责", missed_in_a_row=10)
    assert step("问责").order == 5


def test_a_rung_that_issued_notices_is_not_deleted(city):
    blue = step("蓝色督办单")
    issue(city, blue)
    before = footprint()
    with pytest.raises(ValidationError) as refused:
        delete_step(step=blue, by=city.city_supervisor)
    assert "蓝色督办单" in refused.value.messages[0] and "1" in refused.value.messages[0]
    assert footprint() == before


def test_an_unused_rung_is_deleted_the_rest_close_up_and_the_event_keeps_it(city):
    yellow = step("黄色督办单")
    delete_step(step=yellow, by=city.city_supervisor)
    assert rungs() == [(1, "蓝色督办单", 2), (2, "红色督办单", 4), (3, "约谈", 6)]
    event = AuditEvent.objects.get(action="escalation_step.delete")
    assert event.object_id == str(yellow.pk)
    assert event.before["name"] == "黄色督办单" and event.before["missed_in_a_row"] == 3
    assert [row[2] for row in event.after["ladder"]] == ["蓝色督办单", "红色督办单", "约谈"]


def test_the_last_rung_stays(city):
    for name in ("蓝色督办单", "黄色督办单", "红色督办单"):
        delete_step(step=step(name), by=city.admin)
    with pytest.raises(ValidationError):
        delete_step(step=step("约谈"), by=city.admin)
    assert rungs() == [(1, "约谈", 6)]


def test_a_change_made_on_a_ladder_someone_else_has_changed_since_is_refused(city):
    seen = ladder_stamp()
    new_rung(city.admin)  # a colleague, meanwhile
    before = footprint()
    with pytest.raises(ValidationError):
        delete_step(step=step("约谈"), by=city.city_supervisor, seen=seen)
    with pytest.raises(ValidationError):
        new_rung(city.city_supervisor, name="问责", missed_in_a_row=10, seen=seen)
    assert footprint() == before
    delete_step(step=step("约谈"), by=city.city_supervisor, seen=ladder_stamp())
    assert not EscalationStep.objects.filter(name="约谈").exists()


# Who is told: what the page says against what an escalation sends


@pytest.fixture
def town(city):
    """青山镇's task, whose responsible leader is the county's head; a county leader; the town's robot."""
    county_leader = make_user("county_leader", "leader", city.qingshan)
    task = make_task(
        city,
        title="青山镇农村人居环境整治",
        lead_unit=city.qingshan_town,
        leader=city.county_head,
        owner=city.township_liaison,
    )
    return task, county_leader


def people(city, county_leader):
    """Who each line of the page means, in this city, for 青山镇's task."""
    return {
        LABELS[Audience.UNIT]: {city.township_liaison},
        LABELS[Audience.UNIT_ROBOTS]: set(),
        LABELS[Audience.LEADERS_OVER]: {city.leader, county_leader},
        LABELS[Audience.TASK_LEADER]: {city.county_head},
    }


def told_on_page(client, user):
    """{rung name: the lines of 'told' under it}, as the ladder page shows them."""
    client.force_login(user)
    page = BeautifulSoup(client.get(reverse("dispatch:ladder")).content, "html.parser")
    told = {}
    for rung in page.select('[data-testid="rung"], [data-testid="rung-reminder"]'):
        name = rung.select_one('[data-testid="rung-name"]')
        key = name.get_text(strip=True) if name else "催报"
        told[key] = [li.get_text(strip=True) for li in rung.select('[data-testid="rung-told"] li')]
    return told


def test_who_the_page_says_is_told_is_who_a_climb_tells(
    city, town, client, receiver, django_capture_on_commit_callbacks, huey_inline, loopback_robots
):
    task, county_leader = town
    add_webhook(
        unit=city.qingshan_town, platform="dingtalk", url=receiver.url("/ding"), by=city.county_supervisor
    )
    with translation.override("zh-hans"):
        page = told_on_page(client, city.county_liaison)
        means = {str(label): who for label, who in people(city, county_leader).items()}
    cadence = make_weekly_cadence(city, grace_minutes=30)
    for number in (46, 47, 48):
        monday = dt.datetime(2026, 11, 16, 9, tzinfo=TZ) + dt.timedelta(days=7 * (number - 46))
        services.open_cycle(cadence=cadence, number=number, now=monday)
        with django_capture_on_commit_callbacks(execute=True):
            reminders.mark_late(now=monday + dt.timedelta(days=4, hours=9))
    taken = list(Escalation.objects.filter(task=task).order_by("step__order"))
    assert [e.step.name for e in taken] == ["蓝色督办单", "黄色督办单"]  # 2 and 3 late in a row
    for escalation in taken:
        sent = {n.recipient for n in Notice.objects.filter(key=f"escalation:{escalation.pk}")}
        lines = page[escalation.step.name]
        assert sent == set().union(*(means[line] for line in lines)), escalation.step.name
    assert city.county_head not in {
        n.recipient for n in Notice.objects.filter(key=f"escalation:{taken[0].pk}")
    }
    late = {n.recipient for n in Notice.objects.filter(kind="report_late")}
    assert late == set().union(*(means[line] for line in page["催报"]))
    robot_posts = [r.body["markdown"]["text"] for r in receiver.to("/ding")]
    assert sum("督办单" in text for text in robot_posts) == 2  # each escalation reached the town's robot
    assert (
        not Notice.objects.filter(recipient__in=[city.city_supervisor, city.county_supervisor])
        .filter(kind="escalation")
        .exists()
    )  # as the page says: the office is not sent them


def test_every_audience_has_words_on_the_page():
    assert set(LABELS) == set(Audience)


# The pages


def test_everyone_signed_in_reads_the_ladder_but_only_the_city_office_sees_how_to_change_it(client, city):
    for reader in (city.county_liaison, city.outsider, city.county_supervisor, city.leader):
        client.force_login(reader)
        page = client.get(reverse("dispatch:ladder")).content.decode()
        assert "黄色督办单" in page and "连续3次逾期未报" in page
        assert 'data-testid="edit-rung"' not in page and 'data-testid="add-rung"' not in page
        assert 'data-testid="rung-issued"' not in page  # the whole tree's counts are not theirs to see
    client.force_login(city.city_supervisor)
    page = client.get(reverse("dispatch:ladder")).content.decode()
    assert page.count('data-testid="edit-rung"') == 4 and 'data-testid="add-rung"' in page


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("dispatch:ladder"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_reader_cannot_open_or_post_the_edit_pages(client, city):
    yellow = step("黄色督办单")
    client.force_login(city.county_supervisor)
    before = footprint()
    assert client.get(reverse("dispatch:ladder_add")).status_code == 403
    assert client.get(reverse("dispatch:ladder_edit", args=[yellow.pk])).status_code == 403
    form = {"name": "黄", "color": "red", "missed_in_a_row": "9", "seen": ladder_stamp()}
    assert client.post(reverse("dispatch:ladder_edit", args=[yellow.pk]), form).status_code == 403
    assert client.post(reverse("dispatch:ladder_delete", args=[yellow.pk]), form).status_code == 403
    assert client.get(reverse("dispatch:ladder_edit", args=[10**6])).status_code == 404
    assert footprint() == before


def test_the_office_changes_a_threshold_on_the_page(client, city):
    red = step("红色督办单")
    client.force_login(city.city_supervisor)
    form = {"name": "红色督办单", "color": "red", "missed_in_a_row": "5", "notify_leader": "on"}
    response = client.post(reverse("dispatch:ladder_edit", args=[red.pk]), {**form, "seen": ladder_stamp()})
    assert response.status_code == 302
    assert step("红色督办单").missed_in_a_row == 5


def test_a_bad_rung_is_shown_again_with_its_error_by_the_field(client, city):
    client.force_login(city.admin)
    form = {"name": "通报", "color": "red", "missed_in_a_row": "6", "seen": ladder_stamp()}
    response = client.post(reverse("dispatch:ladder_add"), form)
    assert response.status_code == 200
    assert "约谈" in response.context["form"].errors["missed_in_a_row"][0]
    assert not EscalationStep.objects.filter(name="通报").exists()


def test_a_used_rung_offers_no_delete_and_a_forced_delete_says_why(client, city):
    blue = step("蓝色督办单")
    issue(city, blue)
    client.force_login(city.city_supervisor)
    page = client.get(reverse("dispatch:ladder_edit", args=[blue.pk])).content.decode()
    assert 'data-testid="delete-refused"' in page and 'data-testid="delete-rung"' not in page
    response = client.post(
        reverse("dispatch:ladder_delete", args=[blue.pk]), {"seen": ladder_stamp()}, follow=True
    )
    assert "蓝色督办单" in response.content.decode() and "不能删除" in response.content.decode()
    assert EscalationStep.objects.filter(pk=blue.pk).exists()
    assert ladder_services.issued_count(blue) == 1


def test_the_register_and_the_units_page_lead_to_the_ladder(client, city):
    client.force_login(city.county_liaison)
    assert reverse("dispatch:ladder") in client.get(reverse("dispatch:escalation_list")).content.decode()
    assert 'data-testid="ladder-link"' not in client.get(reverse("orgs:unit_tree")).content.decode()
    for editor in (city.city_supervisor, city.admin):
        client.force_login(editor)
        assert 'data-testid="ladder-link"' in client.get(reverse("orgs:unit_tree")).content.decode()


def issue(city, rung):
    """A supervision notice of `rung` on a task of 青山县, as the climb would leave it."""
    task = make_task(city, title="青山县的厂房建设")
    cycle = services.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    report = Report.objects.get(task=task, cycle=cycle)
    return Escalation.objects.create(task=task, step=rung, cycle=cycle, created_at=report.due_at)
