"""The exports, opened back: the .docx has the masthead, the title, numbered headings in 黑体, the rows in
tables and the date in Chinese; the .xlsx a sheet per section with its rows. Both are built from the
stored sections alone."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.bulletins import export, services
from luoshi.bulletins.models import Kind
from luoshi.core import officedoc


def test_the_docx_is_an_official_document_with_every_section_and_its_rows(ready, october_world, city):
    services.publish(bulletin=ready, by=city.city_supervisor)
    ready.refresh_from_db()
    document = docx.Document(io.BytesIO(export.docx_bytes(ready)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "临江市督查通报"
    assert document.paragraphs[0].runs[0].font.color.rgb == officedoc.RED
    assert "临督通〔2026〕3号" in texts and ready.title in texts
    headings = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、")]
    assert headings == ["一、总体情况", "二、考核排名", "三、进位退位", "四、红黄灯任务", "五、迟报漏报",
                        "六、督办事项和整改逾期", "七、表扬和批评"]  # fmt: skip
    heading = next(p for p in document.paragraphs if p.text == "五、迟报漏报")
    assert heading.runs[0].font.name == officedoc.HEADING_FONT
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    late = october_world["late"]
    assert any(late.task.title in row and "青山县" in row for row in cells)
    assert texts[-1] == officedoc.chinese_date(dt.date(2026, 11, 18))  # the day it was published
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "—" in footer


def test_the_docx_reads_no_facts_again(ready):
    with CaptureQueriesContext(connection) as ctx:
        export.docx_bytes(ready)
    assert len(ctx.captured_queries) <= 2  # the sections, and the issuer


def test_the_xlsx_has_a_sheet_per_section_with_its_rows(ready):
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(ready)))
    assert len(book.sheetnames) == 7 and book.sheetnames[4] == "五、迟报漏报"
    sheet = book["五、迟报漏报"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][:4] == ["单位", "任务", "应报时间", "报送时间"]
    assert sheet.cell(row=3, column=1).font.b
    section = ready.sections.get(kind=Kind.REPORTS)
    assert sum(1 for row in values if row[0] == "青山县") == len(section.rows)


def test_chinese_dates_are_written_as_gb_t_9704_has_them():
    assert officedoc.chinese_date(dt.date(2026, 11, 30)) == "二〇二六年十一月三十日"
    assert officedoc.chinese_date(dt.date(2027, 1, 5)) == "二〇二七年一月五日"
    assert officedoc.chinese_date(dt.date(2026, 10, 20)) == "二〇二六年十月二十日"
