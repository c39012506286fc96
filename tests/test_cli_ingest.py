"""`luoshi ingest` as other tools call it: real processes, real files, the JSON shapes the issue fixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from luoshi.testing import sqlite_pass_only

# The subject is the text read from a file and what the process prints, not the database: the intake's
# reads of the unit tree run on PostgreSQL in luoshi/ingest/tests.
pytestmark = sqlite_pass_only("`luoshi ingest` reading files; the subject is not the database")

CORPUS = Path(__file__).resolve().parent.parent / "luoshi" / "text" / "tests" / "corpus"
LUOSHI = str(Path(sys.executable).parent / "luoshi")


def luoshi(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUOSHI_VAR_DIR": str(tmp_path)}
    return subprocess.run([LUOSHI, "ingest", *args], env=env, capture_output=True, text=True, timeout=120)


def test_clean_prints_the_repaired_text_and_json_with_its_repairs(tmp_path):
    raw = CORPUS / "seeds" / "000_ed23dcf7e8e282a0.txt"
    plain = luoshi("clean", str(raw), tmp_path=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "(guó)" not in plain.stdout and "中國共產黨" in plain.stdout
    result = luoshi("clean", str(raw), "--simplified", "--json", tmp_path=tmp_path)
    data = json.loads(result.stdout)
    assert set(data) == {"text", "boilerplate", "repairs"}
    assert set(data["repairs"]) == {"ruby", "comma", "mojibake", "lost"}
    assert data["repairs"]["ruby"] > 100 and data["boilerplate"]
    assert "中国共产党" in data["text"]


def test_extract_gives_items_with_offsets_into_the_text(tmp_path):
    result = luoshi("extract", str(CORPUS / "reports" / "gwr2026_beijing.txt"), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    kinds = {item["kind"] for item in data["items"]}
    assert {"task", "target"} <= kinds
    keys = {"kind", "text", "start", "end", "value", "unit", "qualifier", "deadline", "units"}
    for item in data["items"]:
        assert set(item) == keys
        assert data["text"][item["start"] : item["end"]] == item["text"]
    targets = {(i["text"], i["value"], i["unit"]) for i in data["items"] if i["kind"] == "target"}
    assert any(value == "5" and unit == "%" and "地区生产总值" in text for text, value, unit in targets)


def test_a_missing_binary_or_undecodable_file_is_one_line_and_exit_2(tmp_path):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    garbled = tmp_path / "y.txt"
    garbled.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD]) * 50)
    for path in (tmp_path / "missing.txt", binary, garbled):
        for action in ("clean", "extract"):
            result = luoshi(action, str(path), "--json", tmp_path=tmp_path)
            assert result.returncode == 2, (path, result.stderr)
            assert result.stdout == ""
            assert len(result.stderr.strip().splitlines()) == 1 and path.name in result.stderr


def test_a_pdf_and_an_ofd_are_read_and_a_scan_or_a_doc_is_refused_in_chinese(tmp_path):
    from luoshi.text.tests import documents

    for name, data in (("方案.pdf", documents.pdf()), ("方案.ofd", documents.ofd())):
        path = tmp_path / name
        path.write_bytes(data)
        result = luoshi("clean", str(path), tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "由市住房城乡建设局牵头" in result.stdout and "%PDF" not in result.stdout
    refusals = {
        "扫描件.pdf": (documents.scanned(), "“扫描件.pdf”是扫描件，没有文字层"),
        "通知.doc": (documents.OLE + bytes(2048), "“通知.doc”是.doc格式，系统无法读取。请用WPS或Word打开"),
    }
    for name, (data, said) in refusals.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = luoshi("extract", str(path), "--json", tmp_path=tmp_path)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and said in result.stderr, result.stderr


def test_a_partly_scanned_pdf_is_read_from_its_text_pages_and_stderr_names_the_others(tmp_path):
    from luoshi.text.tests import documents

    first, second = documents.PAGES
    path = tmp_path / "部分扫描.pdf"
    path.write_bytes(documents.partly_scanned([first, None, second, None, None]))
    result = luoshi("extract", str(path), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "第2、4–5页没有文字层（扫描页），其中内容未能读取" in result.stderr
    assert any("老旧小区" in item["text"] for item in json.loads(result.stdout)["items"])
    whole = tmp_path / "方案.pdf"
    whole.write_bytes(documents.pdf())
    assert luoshi("clean", str(whole), tmp_path=tmp_path).stderr == ""
