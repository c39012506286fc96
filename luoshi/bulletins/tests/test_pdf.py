"""A bulletin's .docx converted to PDF by LibreOffice, as an office's machine would print it: it has pages,
its title is there as text, and each page is rendered to a PNG under artifacts/bulletins/ to look at.

Without LibreOffice the test is skipped, unless LUOSHI_REQUIRE_SOFFICE=1 (CI), where it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from luoshi.bulletins import export, services

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "bulletins"


def _tools() -> None:
    missing = [tool for tool in ("soffice", "pdftotext", "pdftoppm") if not shutil.which(tool)]
    if missing:
        message = (
            f"not installed: {', '.join(missing)} (apt-get install libreoffice-writer-nogui poppler-utils)"
        )
        if os.environ.get("LUOSHI_REQUIRE_SOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


def test_the_bulletin_converts_to_pdf_with_its_title_and_renders_to_png(ready, city, tmp_path):
    _tools()
    services.publish(bulletin=ready, by=city.city_supervisor)
    ready.refresh_from_db()
    source = tmp_path / "bulletin.docx"
    source.write_bytes(export.docx_bytes(ready))
    profile = (tmp_path / "profile").as_uri()  # a profile of its own: parallel runs do not clash
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert ready.title in text.replace(" ", "")
    assert "迟报漏报" in text.replace(" ", "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("bulletin-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "bulletin")], check=True, timeout=120
    )
    pages = sorted(ARTIFACTS.glob("bulletin-*.png"))
    assert len(pages) >= 1
