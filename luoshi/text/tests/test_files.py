import io
import zipfile

import pytest
from docx import Document

from luoshi.text.archives import ArchiveError, Problem
from luoshi.text.files import DocumentError, Kind, read, read_bytes, read_document
from luoshi.text.tests import documents, zipbombs

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


# Issue 10, item 5: the formats offices receive. PDF and OFD files are built by the tests (documents.py).

LINES = [
    "一、主要目标",
    "加快推进青山县工业园区标准化厂房建设，年底前建成20万平方米。",
    "二、重点任务",
    "（一）实施城市更新行动，改造老旧小区30个，6月底前完成，由市住房城乡建设局牵头。",
]


def refused(data, name):
    with pytest.raises(DocumentError) as caught:
        read_bytes(data, name=name)
    assert caught.value.name == name
    return caught.value


def test_a_pdf_is_read_page_by_page_in_order_with_its_wrapped_lines_joined():
    assert read_bytes(documents.pdf(), name="方案.pdf").splitlines() == LINES


def test_an_uncompressed_pdf_is_read_as_text_not_shown_as_its_source():
    data = documents.pdf(compressed=False)
    assert b"/STSong-Light" in data and b"stream" in data  # its source is readable bytes
    text = read_bytes(data, name="方案.pdf")
    assert text.splitlines() == LINES and "obj" not in text


def test_a_pdf_is_known_by_its_bytes_whatever_its_name():
    for name in ("方案.txt", "方案", "方案.docx"):
        assert read_bytes(documents.pdf(compressed=False), name=name).splitlines() == LINES


def test_a_pdf_protected_by_a_password_is_refused_but_one_with_an_empty_password_is_read():
    assert refused(documents.encrypted(documents.pdf()), "加密.pdf").kind == Kind.ENCRYPTED
    assert (
        read_bytes(documents.encrypted(documents.pdf(), user_password=""), name="限制编辑.pdf").splitlines()
        == LINES
    )


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.1])
def test_a_truncated_pdf_is_damaged(cut):
    data = documents.pdf()
    error = refused(data[: int(len(data) * cut)], "截断.pdf")
    assert (error.kind, error.format) == (Kind.DAMAGED, "PDF")


def test_a_file_named_pdf_that_is_not_one_is_damaged():
    error = refused("不是PDF的文字".encode(), "通知.pdf")
    assert (error.kind, error.format) == (Kind.DAMAGED, "PDF")


def test_a_scanned_pdf_has_no_text_layer():
    error = refused(documents.scanned(), "扫描件.pdf")
    assert (error.kind, error.format) == (Kind.SCANNED, "PDF")
    assert "no text layer" in str(error)


def test_a_partly_scanned_pdf_is_read_from_its_text_pages_and_names_the_pages_without_text():
    first, second = documents.PAGES
    data = documents.partly_scanned([first, None, second, None, []])  # the last page is blank: no scan
    reading = read(data, name="部分扫描.pdf")
    assert reading.pages_without_text == (2, 4)
    assert reading.text.splitlines() == LINES
    assert read(documents.pdf(), name="方案.pdf").pages_without_text == ()
    assert read(TEXT.encode(), name="计划.txt").pages_without_text == ()


def test_a_pdf_of_pictures_only_is_still_refused_as_a_scan():
    error = refused(documents.partly_scanned([None, None]), "扫描件.pdf")
    assert error.kind == Kind.SCANNED


def test_an_ofd_is_read_in_page_order_its_runs_on_one_baseline_joined():
    assert read_bytes(documents.ofd(), name="方案.ofd").splitlines() == LINES


def test_an_ofd_follows_the_page_order_of_its_document_not_its_part_names():
    data = documents.ofd(
        pages=[
            ["第一页的内容写在这里，共有二十多个字，足够一页。"],
            ["第二页的内容写在这里，也有二十多个字，足够一页。"],
        ]
    )
    swapped = documents.replaced_part(
        data,
        "Doc_0/Document.xml",
        lambda xml: (
            xml.replace(b"Page_0/Content.xml", b"@")
            .replace(b"Page_1/", b"Page_0/")
            .replace(b"@", b"Page_1/Content.xml")
        ),
    )
    assert read_bytes(swapped, name="方案.ofd").splitlines() == [
        "第二页的内容写在这里，也有二十多个字，足够一页。",
        "第一页的内容写在这里，共有二十多个字，足够一页。",
    ]


def test_an_ofd_is_known_by_what_its_archive_holds():
    assert read_bytes(documents.ofd(), name="方案.zip").splitlines() == LINES


@pytest.mark.parametrize(
    "parts",
    [
        {
            "OFD.xml": b'<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
        },  # no document
        {"Doc_0/Document.xml": b'<?xml version="1.0"?><ofd:Document xmlns:ofd="x"><ofd:Pages>'},  # broken XML
        {"Doc_0/Pages/Page_1/Content.xml": b"not xml at all"},
        {"Doc_0/Document.xml": b'<Document><Pages><Page BaseLoc="../../etc/passwd"/></Pages></Document>'},
    ],
)
def test_a_damaged_ofd_says_so(parts):
    error = refused(documents.ofd(parts=parts), "坏文件.ofd")
    assert error.kind == Kind.DAMAGED and error.format == "OFD"


def test_an_ofd_missing_a_page_is_damaged():
    data = documents.ofd()
    without = documents.replaced_part(data, "Doc_0/Pages/Page_1/Content.xml", None)
    assert refused(without, "缺页.ofd").kind == Kind.DAMAGED


def test_an_ofd_with_a_dtd_is_refused_before_it_is_parsed():
    error = refused(documents.ofd(parts={"Doc_0/Document.xml": zipbombs.LAUGHS}), "笑声.ofd")
    assert isinstance(error, ArchiveError) and error.problem == Problem.XML_DTD


def test_an_ofd_that_inflates_to_hundreds_of_mb_is_refused_by_the_zip_limits():
    blank = b" " * (1024 * 1024)
    bomb = zipbombs.replaced(
        documents.ofd(), "Doc_0/Res/padding.xml", [b"<a>", *[blank] * 120, b"</a>"], level=1
    )
    error = refused(bomb, "炸弹.ofd")
    assert isinstance(error, ArchiveError) and error.problem in (Problem.INFLATED, Problem.RATIO)


def test_an_ofd_of_pictures_only_is_a_scan():
    assert refused(documents.ofd(pages=[[], []]), "扫描件.ofd").kind == Kind.SCANNED


@pytest.mark.parametrize("name", ["通知.doc", "通知.wps", "通知.DOC"])
def test_old_word_and_wps_files_are_named_as_such(name):
    error = refused(documents.OLE + bytes(1024), name)
    assert (error.kind, error.format) == (Kind.UNSUPPORTED, name[-4:].lower())


def test_a_wps_file_is_refused_by_its_name_too():
    assert refused(b"\x01\x02WPS document" + bytes(100), "通知.wps").format == ".wps"


def test_a_spreadsheet_is_not_read_as_a_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
    assert (refused(out.getvalue(), "台账.xlsx").kind, refused(out.getvalue(), "台账.xlsx").format) == (
        Kind.UNSUPPORTED,
        ".xlsx",
    )


def test_binary_junk_is_refused_whatever_its_name():
    junk = bytes(range(256)) * 8
    for name in ("数据.bin", "通知.txt", "通知.html"):
        assert refused(junk, name).kind == Kind.BINARY


def test_a_docx_that_is_not_a_zip_is_damaged_not_a_badzipfile():
    error = refused(b"PK\x03\x04 truncated", "方案.docx")
    assert (error.kind, error.format) == (Kind.DAMAGED, ".docx") and "BadZipFile" not in str(error)


def test_the_text_read_from_a_pdf_is_bounded(monkeypatch):
    from luoshi.text import pdf

    monkeypatch.setattr(pdf, "MAX_CHARS", 50)
    assert refused(documents.pdf(), "长文.pdf").kind == Kind.TOO_LONG
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    error = refused(documents.pdf(), "长文.pdf")
    assert (error.kind, error.limit) == (Kind.TOO_MANY_PAGES, 1)


def test_a_text_that_mentions_the_pdf_header_is_still_text():
    text = "关于规范使用%PDF-1.7格式归档公文的通知，各单位抓好落实。"
    assert read_bytes(text.encode(), name="通知.txt") == text
    assert read_bytes(b"\r\n  junk before it\n" + documents.pdf(), name="x").splitlines()[0] == LINES[0]
