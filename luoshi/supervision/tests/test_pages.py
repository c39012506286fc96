"""The pages of 督办件: scope (404 outside it), the list's filters, counts and query count, the detail's
overdue and extension marks, the 督办单 as .docx, the ledger as .xlsx, the instruction on the task page."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from docx import Document
from openpyxl import load_workbook

from luoshi.supervision import instructions, services
from luoshi.supervision.models import Source, State, SupervisionItem
from luoshi.supervision.tests.factory import drive, make_item
from luoshi.testing import count_queries, make_task


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def test_an_outsider_gets_404_on_every_page_of_an_item(city):
    item = make_item(city)
    outsider = client_of(city.outsider)
    for page in ("", "docx/", "print/"):
        assert outsider.get(f"/supervision/{item.pk}/{page}").status_code == 404
    assert outsider.post(f"/supervision/{item.pk}/sign/").status_code == 404
    assert item.title not in outsider.get("/supervision/").content.decode()


def test_the_co_unit_and_the_units_above_the_lead_see_the_item(city):
    item = make_item(city, lead_unit=city.qingshan_town)
    for person in (city.department_liaison, city.county_liaison, city.township_liaison, city.leader):
        assert client_of(person).get(f"/supervision/{item.pk}/").status_code == 200
    assert client_of(city.other_township_liaison).get(f"/supervision/{item.pk}/").status_code == 404


def test_the_list_filters_and_counts_and_marks_overdue_items_red(city, clock):
    late = make_item(city, title="逾期未办结的督办件", due=dt.date(2026, 11, 20))
    make_item(city, title="按时办理中的督办件", due=dt.date(2026, 12, 30), urgency="extra_urgent")
    drive(city, make_item(city, title="已办结的督办件", due=dt.date(2026, 11, 20)), State.CLOSED)
    clock.set(dt.date(2026, 11, 25))
    office = client_of(city.city_supervisor)
    page = office.get("/supervision/").content.decode()
    assert 'data-testid="count-overdue">' in page
    assert page.count('class="table-danger"') == 1
    only_late = office.get("/supervision/", {"overdue": "yes"}).content.decode()
    assert late.title in only_late and "按时办理中" not in only_late
    urgent = office.get("/supervision/", {"urgency": "extra_urgent"}).content.decode()
    assert "按时办理中" in urgent and late.title not in urgent
    closed = office.get("/supervision/", {"state": State.CLOSED}).content.decode()
    assert "已办结的督办件" in closed and late.title not in closed
    by_unit = office.get("/supervision/", {"unit": city.baisha.pk}).content.decode()
    assert late.title not in by_unit
    htmx = office.get("/supervision/", {"q": "逾期"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in htmx and late.title in htmx


def test_the_list_costs_the_same_few_queries_for_3_items_or_30(city):
    office = client_of(city.city_supervisor)
    for _ in range(3):
        make_item(city, co_units=[city.fgw, city.baisha])
    few = count_queries(office, "/supervision/")
    for _ in range(27):
        make_item(city, co_units=[city.fgw, city.baisha])
    many = count_queries(office, "/supervision/")
    assert many == few
    assert many <= 12


def test_the_detail_shows_a_granted_extension_and_its_first_deadline(city):
    item = drive(city, make_item(city), State.SIGNED)
    ask = services.request_extension(
        item=item, by=city.county_liaison, new_due=dt.date(2027, 1, 31), reason="跨年"
    )
    services.decide_extension(extension=ask, by=city.city_supervisor, grant=True)
    page = client_of(city.county_liaison).get(f"/supervision/{item.pk}/").content.decode()
    assert 'data-testid="item-extended"' in page and "2026-12-15" in page and "2027-01-31" in page
    listed = client_of(city.city_supervisor).get("/supervision/").content.decode()
    assert 'data-testid="item-extended"' in listed


def test_the_supervision_notice_docx_holds_the_number_units_and_deadline(city):
    task = make_task(city, title="推进青山县工业园区建设")
    instruction = instructions.write_instruction(
        by=city.leader, text="请抓紧推进，确保年底前投用。", task=task
    )
    item = make_item(city, source=Source.INSTRUCTION, task=task, instruction=instruction)
    answer = client_of(city.department_liaison).get(f"/supervision/{item.pk}/docx/")
    assert answer.status_code == 200
    assert answer["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for expected in (
        "临督办〔2026〕1号",
        "青山县",
        "市发展改革委",
        "2026-12-15",
        "请抓紧推进",
        "督办通知单",
        "加急",
    ):
        assert expected in text, expected
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    fonts = {r.font.name for p in document.paragraphs for r in p.runs}
    assert {"仿宋_GB2312", "方正小标宋简体"} <= fonts


def test_the_ledger_exports_the_filtered_list(city):
    make_item(city, title="第一件")
    make_item(city, title="第二件", urgency="ordinary")
    answer = client_of(city.city_supervisor).get("/supervision/export/", {"urgency": "urgent"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "临督办〔2026〕1号" in values and "第一件" in values and "第二件" not in values
    assert client_of(city.outsider).get("/supervision/export/").status_code == 200  # their own: none
    assert "第一件" not in str(
        [
            c.value
            for row in load_workbook(
                io.BytesIO(client_of(city.outsider).get("/supervision/export/").content)
            ).active.iter_rows()
            for c in row
        ]
    )


def test_a_leader_instructs_on_the_task_page_and_the_office_raises_an_item_from_it_in_one_step(city):
    task = make_task(city, title="推进青山县工业园区建设", co_units=[city.fgw])
    leader = client_of(city.leader)
    assert 'data-testid="task-instruction-form"' in leader.get(f"/tasks/{task.pk}/").content.decode()
    leader.post(f"/supervision/tasks/{task.pk}/instruction/", {"text": "此事要盯紧，两周内拿出方案。"})
    page = client_of(city.county_liaison).get(f"/tasks/{task.pk}/").content.decode()
    assert "此事要盯紧" in page and 'data-testid="task-instruction-form"' not in page
    office = client_of(city.city_supervisor)
    instruction = task.instructions.get()
    form = office.get("/supervision/new/", {"instruction": instruction.pk}).content.decode()
    assert "此事要盯紧" in form and f'value="{instruction.pk}"' in form
    answer = office.post(
        "/supervision/new/",
        {
            "title": task.title,
            "content": instruction.text,
            "source": Source.INSTRUCTION,
            "urgency": "extra_urgent",
            "lead_unit": city.qingshan.pk,
            "co_units": [city.fgw.pk],
            "due": "2026-12-02",
            "task": task.pk,
            "instruction": instruction.pk,
        },
    )
    item = SupervisionItem.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/supervision/{item.pk}/"
    assert (item.instruction, item.task, item.code) == (instruction, task, "临督办〔2026〕1号")
    assert item.code in client_of(city.county_liaison).get(f"/tasks/{task.pk}/").content.decode()


def test_a_refused_action_says_why(city):
    item = make_item(city)
    liaison = client_of(city.county_liaison)
    answer = liaison.post(f"/supervision/{item.pk}/feedback/", {"statement": "提前反馈"}, follow=True)
    assert "先签收" in answer.content.decode() or "Sign for the item first" in answer.content.decode()
    assert SupervisionItem.objects.get().state == State.ASSIGNED
