"""A bulletin's .docx converted to PDF by LibreOffice, as an office's machine would print it: it has pages,
its title is there as text, and each page is rendered to a PNG under artifacts/bulletins/ to look at."""

from __future__ import annotations

from luoshi.bulletins import export, services
from luoshi.testing.office import print_docx


def test_the_bulletin_converts_to_pdf_with_its_title_and_renders_to_png(ready, city, tmp_path):
    services.publish(bulletin=ready, by=city.city_supervisor)
    ready.refresh_from_db()
    printed = print_docx(export.docx_bytes(ready), name="bulletin", folder="bulletins", work=tmp_path)
    assert ready.title in printed.text
    assert "迟报漏报" in printed.text
    assert len(printed.pages) >= 1
