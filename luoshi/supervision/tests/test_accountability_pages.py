"""The pages of accountability and fault tolerance: an approved exemption shows wherever the late work is
counted (the item list and detail, the ledger, the task page, the person page); the person page counts on
time, late and exempted work, and only those entitled read it; lists cost a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from openpyxl import load_workbook

from luoshi.plans.services import complete_task
from luoshi.supervision import accountability
from luoshi.supervision.models import AccountabilityRecord, RecordState
from luoshi.supervision.tests.accountability_factory import RULE, approved_exemption, ask_exemption, late_item
from luoshi.supervision.tests.factory import drive, make_item
from luoshi.testing import count_queries, make_task

EXEMPTED = 'data-testid="item-exempted"'


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def test_an_approved_exemption_shows_on_the_list_the_detail_and_the_ledger(city, clock):
    late = drive(city, make_item(city, title="园区企业用电报装"), "signed")
    other = late_item(city, clock, title="老旧小区改造")
    office = client_of(city.city_supervisor)
    assert EXEMPTED not in office.get("/supervision/").content.decode()
    ask_exemption(city, late)
    assert EXEMPTED not in office.get("/supervision/").content.decode()  # asked is not approved
    approved_exemption_record = AccountabilityRecord.objects.get(item=late)
    accountability.decide_exemption(
        record=approved_exemption_record, by=city.leader, approve=True, reason="同意免责。"
    )
    listing = client_of(city.county_liaison).get("/supervision/").content.decode()
    assert listing.count(EXEMPTED) == 2  # the row's phone and desktop badges, of one item only
    # The overdue count says how many of the overdue are exempted: both items are late, one exempted.
    assert 'data-testid="count-overdue-exempted">其中1件容错免责<' in listing
    detail = client_of(city.county_liaison).get(f"/supervision/{late.pk}/").content.decode()
    assert EXEMPTED in detail and 'data-testid="exemption-card"' in detail and RULE in detail
    assert EXEMPTED not in client_of(city.county_liaison).get(f"/supervision/{other.pk}/").content.decode()
    sheet = load_workbook(io.BytesIO(office.get("/supervision/export/").content)).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    assert RULE in str(rows["园区企业用电报装"][-1]) and "leader" in str(rows["园区企业用电报装"][-1])
    assert not rows["老旧小区改造"][-1]


def test_the_office_offers_an_exemption_only_for_late_work(city, clock):
    on_time = drive(city, make_item(city), "signed")
    office = client_of(city.city_supervisor)
    assert "request-exemption" not in office.get(f"/supervision/{on_time.pk}/").content.decode()
    late = late_item(city, clock)
    office = client_of(city.city_supervisor)  # signed in afresh after the clock's jump
    page = office.get(f"/supervision/{late.pk}/").content.decode()
    assert f"/supervision/accountability/new/?item={late.pk}" in page
    assert (
        "request-exemption"
        not in client_of(city.county_liaison).get(f"/supervision/{late.pk}/").content.decode()
    )


def test_the_task_page_shows_the_items_and_the_tasks_exemptions(city, clock):
    task = make_task(city, title="园区道路提升", due=clock.today(), lead_unit=city.qingshan)
    late = late_item(city, clock, task=task)
    approved_exemption(city, late)
    page = client_of(city.county_liaison).get(f"/tasks/{task.pk}/").content.decode()
    assert EXEMPTED in page and 'data-testid="task-exemption"' not in page
    assert f"/supervision/accountability/new/?task={task.pk}" not in page  # a unit does not ask
    office = client_of(city.city_supervisor)
    assert (
        f"/supervision/accountability/new/?task={task.pk}"
        in office.get(f"/tasks/{task.pk}/").content.decode()
    )
    asked = accountability.record_kind(
        by=city.city_supervisor, kind="exemption", unit=city.qingshan, task=task, rule=RULE,
        reason="征地拆迁受阻，非主观原因。",
    )  # fmt: skip
    accountability.decide_exemption(record=asked, by=city.leader, approve=True, reason="同意。")
    page = client_of(city.county_liaison).get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-exemption"' in page and RULE in page
    assert "request-task-exemption" not in office.get(f"/tasks/{task.pk}/").content.decode()


def _standing_page(city, clock):
    """青山县's liaison owns two tasks (one done on time, one late) and signed for two items (one late)."""
    done = make_task(city, title="按期完成", owner=city.county_liaison, leader=city.leader, due=clock.today())
    complete_task(task=done, by=city.city_supervisor, on=clock.today())
    make_task(city, title="逾期任务", owner=city.county_liaison, leader=city.leader, due=clock.today())
    late = late_item(city, clock, title="逾期督办件")
    waiting = drive(city, make_item(city, title="另一件", due=clock.today() + dt.timedelta(days=9)), "signed")
    return late, waiting


def test_the_person_page_counts_late_work_and_an_exemption_is_not_counted_against_them(city, clock):
    late, _open = _standing_page(city, clock)
    office = client_of(city.city_supervisor)
    url = f"/supervision/people/{city.county_liaison.pk}/"
    page = office.get(url).content.decode()
    standing = accountability.standing(city.county_liaison, city.city_supervisor, clock.today())
    assert (standing.task_tally.on_time, standing.task_tally.late, standing.task_tally.exempted) == (1, 1, 0)
    assert (standing.item_tally.late, standing.item_tally.exempted, standing.item_tally.open) == (1, 0, 1)
    assert "逾期督办件" in page and "按期完成" in page
    approved_exemption(city, late)
    standing = accountability.standing(city.county_liaison, city.city_supervisor, clock.today())
    assert (standing.item_tally.late, standing.item_tally.exempted) == (0, 1)
    page = office.get(url).content.decode()
    assert 'data-verdict="exempted"' in page and 'data-testid="item-tally-exempted"' in page
    assert "因上级电网改造计划调整" in page  # the exemption is among the records about them


def test_the_person_page_is_for_the_office_over_the_unit_leaders_and_admins_only(city):
    url = f"/supervision/people/{city.township_liaison.pk}/"
    expected = {
        "city_supervisor": 200, "county_supervisor": 200, "leader": 200, "admin": 200,
        "county_liaison": 403, "county_head": 403, "township_liaison": 403,
        "other_township_liaison": 404, "outsider": 404, "department_liaison": 404,
    }  # fmt: skip
    got = {name: client_of(getattr(city, name)).get(url).status_code for name in expected}
    assert got == expected


def test_the_records_are_read_only_by_those_entitled(city):
    record = accountability.record_kind(
        by=city.county_supervisor, kind="interview", unit=city.qingshan_town,
        person=city.township_liaison, reason="脱贫攻坚成果巩固工作推进缓慢，约谈提醒。",
    )  # fmt: skip
    url = f"/supervision/accountability/{record.pk}/"
    assert client_of(city.city_supervisor).get(url).status_code == 200
    assert client_of(city.leader).get(url).status_code == 200
    assert client_of(city.township_liaison).get(url).status_code == 403
    assert client_of(city.outsider).get(url).status_code == 404
    assert client_of(city.township_liaison).get("/supervision/accountability/").status_code == 403
    register = client_of(city.city_supervisor).get("/supervision/accountability/").content.decode()
    assert "约谈提醒" in register
    assert (
        "约谈提醒"
        not in client_of(city.admin).get("/supervision/accountability/?kind=commendation").content.decode()
    )


def test_a_responsible_persons_name_links_to_their_page_for_those_entitled(city, clock):
    item = drive(city, make_item(city), "signed")
    link = f'href="/supervision/people/{city.county_liaison.pk}/"'
    assert link in client_of(city.city_supervisor).get(f"/supervision/{item.pk}/").content.decode()
    assert link not in client_of(city.county_liaison).get(f"/supervision/{item.pk}/").content.decode()


def test_the_office_records_and_a_leader_approves_through_the_pages(city, clock):
    late = late_item(city, clock)
    office = client_of(city.city_supervisor)
    form = office.get(f"/supervision/accountability/new/?item={late.pk}").content.decode()
    assert 'value="exemption" selected' in form
    answer = office.post(
        "/supervision/accountability/new/",
        {"kind": "exemption", "unit": late.lead_unit_id, "person": city.county_liaison.pk, "item": late.pk,
         "reason": "供电公司施工顺延。", "rule": RULE},
    )  # fmt: skip
    assert answer.status_code == 302
    record = AccountabilityRecord.objects.get(item=late)
    assert record.state == RecordState.REQUESTED
    assert 'data-testid="decide-form"' not in office.get(answer.url).content.decode()  # not their own
    leader = client_of(city.leader)
    assert 'data-testid="decide-form"' in leader.get(answer.url).content.decode()
    leader.post(
        f"/supervision/accountability/{record.pk}/decide/", {"decision": "approve", "reason": "同意。"}
    )
    assert AccountabilityRecord.objects.get(pk=record.pk).state == RecordState.APPROVED


def test_the_person_page_and_the_register_cost_the_same_queries_for_few_or_many(city, clock):
    office = client_of(city.city_supervisor)
    url = f"/supervision/people/{city.county_liaison.pk}/"

    def add(n):
        for i in range(n):
            make_task(city, title=f"任务{i}", owner=city.county_liaison, leader=city.leader)
            item = drive(city, make_item(city, title=f"督办{i}"), "signed")
            accountability.record_kind(
                by=city.city_supervisor, kind="commendation", unit=city.qingshan,
                person=city.county_liaison, item=item, reason="按期办结。",
            )  # fmt: skip

    add(2)
    few = (count_queries(office, url), count_queries(office, "/supervision/accountability/"))
    add(10)
    many = (count_queries(office, url), count_queries(office, "/supervision/accountability/"))
    assert many == few
    assert many[0] <= 14 and many[1] <= 10
