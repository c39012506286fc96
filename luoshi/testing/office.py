"""Office documents as an office's machine prints them: LibreOffice converts a .docx to PDF, poppler reads its
text and renders each page to a PNG under artifacts/<folder>/ to look at.

Without the tools a test is skipped, unless LUOSHI_REQUIRE_SOFFICE=1 (CI), where it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TOOLS = ("soffice", "pdftotext", "pdftoppm")


def require_tools() -> None:
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        message = (
            f"not installed: {', '.join(missing)} (apt-get install libreoffice-writer-nogui poppler-utils)"
        )
        if os.environ.get("LUOSHI_REQUIRE_SOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Printed:
    text: str  # the PDF's text, without the spaces the layout puts between characters
    pages: list[Path]  # one PNG per page


def print_docx(data: bytes, *, name: str, folder: str, work: Path) -> Printed:
    """The .docx `data` converted to PDF by LibreOffice, its pages rendered to PNG in artifacts/<folder>/."""
    require_tools()
    source = work / f"{name}.docx"
    source.write_bytes(data)
    profile = (work / "profile").as_uri()  # a profile of its own: parallel runs do not clash
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(work), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = work / f"{name}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0, f"LibreOffice made no PDF of {name}.docx"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    out = ARTIFACTS / folder
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / name)], check=True, timeout=120)
    return Printed(text="".join(text.split()), pages=sorted(out.glob(f"{name}-*.png")))
