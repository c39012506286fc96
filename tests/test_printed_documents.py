"""Every .docx Luoshi writes prints: the 督办单 and the 工作提醒函, downloaded as a user downloads them, are
converted to PDF by LibreOffice with their words there as text, and their pages rendered to PNGs under
artifacts/documents/ to look at (the bulletin has its own, in luoshi/bulletins/tests/test_pdf.py)."""

from __future__ import annotations

import io

from django.urls import reverse
from docx import Document

from luoshi.meetings.tests import matrix_world as mt
from luoshi.supervision.tests import matrix_world as sv
from luoshi.testing.office import print_docx, require_tools


def _words(data: bytes) -> str:
    """What python-docx reads of a .docx: its paragraphs and its tables' cells."""
    document = Document(io.BytesIO(data))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "".join([*(p.text for p in document.paragraphs), *cells])


def _download(client, name: str, kwargs: dict[str, int]) -> bytes:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, name
    assert response["Content-Disposition"].startswith("attachment"), name
    return response.content


def test_the_supervision_form_and_the_reminder_letter_print_with_their_words(city, client, tmp_path):
    require_tools()
    sv.build(city, (city.qingshan,))
    mt.build(city, (city.qingshan_town,))
    client.force_login(city.city_supervisor)
    item = sv.item(city.qingshan, "assigned")
    form = _download(client, "supervision:item_docx", sv.args(city.qingshan, "assigned"))
    letter = mt.of(city.qingshan_town, "closed").letters.get()
    reminder = _download(client, "meetings:letter_docx", mt.letter_args(city.qingshan_town))

    assert item.title in _words(form)
    assert letter.unit.name in _words(reminder)
    printed_form = print_docx(form, name="supervision-item", folder="documents", work=tmp_path)
    assert "".join(item.title.split()) in printed_form.text
    assert "请按期办结" in printed_form.text
    assert printed_form.pages

    printed_letter = print_docx(reminder, name="reminder-letter", folder="documents", work=tmp_path)
    assert "工作提醒函" in printed_letter.text
    assert letter.unit.name in printed_letter.text
    assert printed_letter.pages
