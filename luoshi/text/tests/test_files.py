import io

import pytest
from docx import Document

from luoshi.text.files import DocumentError, read_bytes, read_document

TEXT = "加快推进青山县工业园区标准化厂房建设，年底前建成20万平方米。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_simplified_text_in_any_office_encoding(encoding):
    assert read_bytes(TEXT.encode(encoding), name="计划.txt") == TEXT


def test_traditional_text_in_big5():
    text = "加快推進青山縣工業園區標準化廠房建設，年底前建成二十萬平方米。各單位要高度重視，認真落實。"
    assert read_bytes(text.encode("big5"), name="計劃.txt") == text


def test_a_word_document(tmp_path):
    doc = Document()
    doc.add_paragraph("一、主要目标")
    doc.add_paragraph(TEXT)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "牵头单位", "市发展改革委"
    buffer = io.BytesIO()
    doc.save(buffer)
    text = read_bytes(buffer.getvalue(), name="方案.docx")
    assert text.splitlines() == ["一、主要目标", TEXT, "牵头单位\t市发展改革委"]


def test_a_saved_web_page_keeps_the_text_and_drops_scripts():
    head = "<head><title>通知</title><script>var x=1;</script></head>"
    html = f"<html>{head}<body><div>{TEXT}</div><p>第二段</p></body></html>"
    text = read_bytes(html.encode("gb18030"), name="page.html")
    assert TEXT in text.splitlines() and "第二段" in text and "var x" not in text


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "无此文件.txt")


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DocumentError, match="binary"):
        read_document(path)


def test_a_broken_docx_is_refused():
    with pytest.raises(DocumentError, match="docx"):
        read_bytes(b"PK\x03\x04 not really a zip", name="坏文件.docx")


def test_undecodable_bytes_are_refused():
    with pytest.raises(DocumentError, match="not readable"):
        read_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD]) * 50, name="乱码.txt")
