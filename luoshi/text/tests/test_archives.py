"""Zip bombs refused before anything unpacks them, quickly and in small memory (issue 8, item 2)."""

import io
import struct
import tracemalloc
import zipfile

import pytest

from luoshi.text.archives import LIMITS, ArchiveError, Problem, ZipLimits, check_zip
from luoshi.text.files import DocumentError, read_bytes, read_document
from luoshi.text.tests import zipbombs

MB = 1024 * 1024
SMALL = 4 * MB  # peak memory allowed for a refusal: a few directory entries, never an inflated part


def refusal(source, limits=LIMITS, name="方案.docx"):
    """The ArchiveError check_zip raises on `source`, with the peak memory it took (tracemalloc)."""
    tracemalloc.start()
    try:
        with pytest.raises(ArchiveError) as caught:
            check_zip(source, name=name, limits=limits)
        return caught.value, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_word_document_and_one_with_a_chart_pass():
    docx = zipbombs.word("一、主要目标", "二、重点任务")
    check_zip(docx, name="方案.docx")
    check_zip(zipbombs.with_chart(docx), name="方案.docx")
    assert read_bytes(zipbombs.with_chart(docx), name="方案.docx") == "一、主要目标\n二、重点任务"


def test_a_docx_that_inflates_to_hundreds_of_mb_is_refused_without_unpacking_it():
    bomb = zipbombs.inflating(300)
    assert len(bomb) < 2 * MB
    error, peak = refusal(bomb)
    assert error.problem == Problem.INFLATED and error.limit == 100 * MB
    assert str(error) == "方案.docx: refused, it would unpack to more than 100 MB"
    assert peak < SMALL


def test_the_document_reader_refuses_the_bomb_before_opening_it():
    bomb = zipbombs.inflating(300)
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="unpack to more than 100 MB"):
            read_bytes(bomb, name="方案.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < SMALL


def test_an_entry_compressed_beyond_the_ratio_is_refused_whatever_the_size_limit():
    error, peak = refusal(zipbombs.inflating(50), ZipLimits(inflated=10**12, xml=10**12))
    assert error.problem == Problem.RATIO and error.part == "word/document.xml"
    assert "compressed more than 100 to 1" in str(error)
    assert peak < SMALL


@pytest.fixture(scope="module")
def crowd():
    return zipbombs.crowded(100_000)


def test_a_zip_of_a_hundred_thousand_entries_is_refused_by_its_count(crowd):
    error, peak = refusal(crowd, name="清单.xlsx")
    assert str(error) == "清单.xlsx: refused, it holds more than 10,000 files"
    assert peak < SMALL


def test_a_forged_entry_count_does_not_hide_the_entries(crowd):
    crowd = bytearray(crowd)
    end = crowd.rfind(b"PK\x05\x06")
    crowd[end + 8 : end + 12] = struct.pack("<HH", 1, 1)  # the end record now says: one entry
    assert len(zipfile.ZipFile(io.BytesIO(crowd)).infolist()) == 100_000  # zipfile would read them all
    error, peak = refusal(bytes(crowd))
    assert error.problem == Problem.ENTRIES and peak < SMALL


def test_archives_nested_deeper_than_the_limit_are_refused_by_name():
    inner = zipbombs.wrapped(zipbombs.wrapped(b"x" * 100, "c.txt"), "b.zip")
    error, _peak = refusal(zipbombs.replaced(zipbombs.word(), "word/embeddings/a.zip", [inner]))
    assert error.problem == Problem.NESTING
    assert "“word/embeddings/a.zip/b.zip”" in str(error) and "more than 1 deep" in str(error)
    with pytest.raises(ArchiveError, match="nested more than 0 deep"):
        check_zip(zipbombs.with_chart(zipbombs.word()), name="方案.docx", limits=ZipLimits(depth=0))


def test_a_bomb_nested_inside_counts_against_the_same_limits():
    inside = zipbombs.wrapped(zipbombs.inflating(150), "sheet.xlsx")
    error, peak = refusal(inside, ZipLimits(depth=2))
    assert error.problem == Problem.INFLATED and peak < SMALL


def test_the_billion_laughs_are_refused_before_any_entity_is_expanded():
    error, peak = refusal(zipbombs.laughing())
    assert error.problem == Problem.XML_DTD and error.part == "word/document.xml"
    assert "has a DTD" in str(error)
    assert peak < SMALL
    with pytest.raises(DocumentError, match="has a DTD"):
        read_bytes(zipbombs.laughing(), name="方案.docx")


def test_an_external_entity_is_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    error, _peak = refusal(zipbombs.replaced(zipbombs.word(), "word/document.xml", [xxe]))
    assert error.problem == Problem.XML_DTD


def test_an_xml_part_too_large_to_parse_is_refused():
    big = [b'<?xml version="1.0"?>', zipbombs.W, b"<w:p/>" * (2 * MB // 6), b"</w:body></w:document>"]
    docx = zipbombs.replaced(zipbombs.word(), "word/document.xml", big)
    error, _peak = refusal(docx, ZipLimits(xml=MB, ratio=10**6))
    assert str(error) == "方案.docx: refused, “word/document.xml” is an XML part of more than 1 MB"


def test_compression_other_than_deflate_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    assert refusal(out.getvalue())[0].problem == Problem.METHOD


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"", b"PK\x05\x06" + b"\xff" * 18])
def test_what_is_not_a_zip_is_refused_as_unreadable(data):
    assert refusal(data)[0].problem == Problem.UNREADABLE


def test_a_broken_xml_part_is_refused():
    docx = zipbombs.replaced(zipbombs.word(), "word/document.xml", [b"<?xml version='1.0'?><<<"])
    assert refusal(docx)[0].problem == Problem.XML_BROKEN


def test_a_file_on_disk_or_open_is_checked_too(tmp_path):
    path = tmp_path / "方案.docx"
    path.write_bytes(zipbombs.inflating(120))
    with pytest.raises(DocumentError, match="方案.docx: refused"):
        read_document(path)
    with open(path, "rb") as f:
        f.seek(7)
        with pytest.raises(ArchiveError):
            check_zip(f, name="方案.docx")
        assert f.tell() == 7


@pytest.mark.parametrize(
    "xml",
    [
        zipbombs.W + b"<w:p><w:r><w:t>broken off",  # its prolog is fine, its body is not
        b'<?xml version="1.0"?><other xmlns="urn:x"/>',  # well-formed, but no Word body
    ],
)
def test_a_docx_that_passes_the_check_but_breaks_in_reading_says_so(xml):
    docx = zipbombs.replaced(zipbombs.word(), "word/document.xml", [xml])
    check_zip(docx, name="方案.docx")
    with pytest.raises(DocumentError, match="方案.docx: not a readable .docx file"):
        read_bytes(docx, name="方案.docx")
