"""End to end in Chromium: a liaison attaches evidence to a report and the office opens it (issue 9, 2)."""

from __future__ import annotations

import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# An image's width once it has loaded (or failed: then 0), without racing its loading.
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth));
    img.addEventListener("error", () => done(0));
})"""


def png(width: int = 320, height: int = 200) -> bytes:
    """A real photo-sized PNG: sky above, a field below, a building in the middle."""

    def pixel(x: int, y: int) -> bytes:
        if 120 <= x < 200 and 70 <= y < 150:
            return b"\xb0\x40\x30"  # the building
        return b"\x8c\xc8\xf0" if y < 120 else b"\x4c\x9a\x3c"

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    """A one-page A4 PDF with a heading and a framed box, written out with its cross-reference table."""
    stream = (
        b"BT /F1 24 Tf 72 760 Td (Acceptance record, week 46) Tj ET 0.2 0.4 0.8 RG 4 w 72 500 450 200 re S"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@pytest.fixture
def open_report(open_week):
    task, cycle = open_week
    return cycle.reports.get(task=task)


def test_a_liaison_attaches_evidence_and_the_supervisor_opens_it(browse, live_city, open_report, tmp_path):
    report = open_report
    photo, record = tmp_path / "厂房现场照片.png", tmp_path / "第46周验收记录.pdf"
    photo.write_bytes(png())
    record.write_bytes(pdf())

    liaison = browse()
    liaison.sign_in("county_liaison")
    liaison.open(f"/reports/{report.pk}/")
    form = liaison.page.get_by_test_id("report-form")
    form.get_by_label("进度（%）").fill("80")
    form.get_by_label("进展情况").fill("厂房主体结构封顶，完成验收。")
    form.get_by_label("佐证材料").set_input_files([str(photo), str(record)])
    form.get_by_role("button", name="暂存").click()
    files = liaison.page.get_by_test_id("evidence-file")
    expect(files).to_have_count(2)
    expect(liaison.page.get_by_test_id("evidence")).to_contain_text("PNG")
    liaison.screenshot("evidence-attached-liaison")
    liaison.page.get_by_test_id("report-form").get_by_role("button", name="提交").click()
    expect(liaison.page.get_by_test_id("report-state")).to_have_text("已报送")

    for name, viewport in (("desktop", None), ("phone", PHONE)):
        office = browse(**viewport) if viewport else browse()
        office.sign_in("city_supervisor")
        office.open(f"/reports/{report.pk}/")
        evidence = office.page.get_by_test_id("evidence")
        expect(evidence).to_contain_text("厂房现场照片.png")
        expect(evidence).to_contain_text("第46周验收记录.pdf")
        expect(evidence).to_contain_text("county_liaison")  # who uploaded it
        expect(evidence.get_by_test_id("evidence-remove")).to_have_count(0)  # the office cannot remove them
        preview = office.page.get_by_test_id("evidence-preview")
        expect(preview).to_be_visible()
        preview.scroll_into_view_if_needed()  # the thumbnail loads lazily, when it comes into view
        assert preview.evaluate(LOADED_WIDTH) == 320  # the photo really loaded
        office.screenshot(f"evidence-report-{name}")

        # The photo opens in a tab of its own, shown and not downloaded.
        with office.page.context.expect_page() as opened:
            evidence.get_by_test_id("evidence-link").filter(has_text="厂房现场照片.png").click()
        tab = opened.value
        tab.wait_for_load_state()
        assert tab.evaluate("document.images.length && document.images[0].naturalWidth") == 320
        tab.screenshot(path=str(ARTIFACTS / f"evidence-photo-{name}.png"))

        # The PDF is served to be shown in the browser, under a policy that runs none of its scripts.
        link = evidence.get_by_test_id("evidence-link").filter(has_text="第46周验收记录.pdf")
        answer = office.page.request.get(office.base_url + link.get_attribute("href"))
        assert answer.status == 200 and answer.body() == record.read_bytes()
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"].startswith("inline;")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in answer.headers["content-security-policy"]


def test_a_liaison_removes_a_file_before_sending(browse, live_city, open_report, tmp_path):
    report = open_report
    record = tmp_path / "多传的文件.pdf"
    record.write_bytes(pdf())
    liaison = browse(**PHONE)
    liaison.sign_in("county_liaison")
    liaison.open(f"/reports/{report.pk}/")
    form = liaison.page.get_by_test_id("report-form")
    form.get_by_label("佐证材料").set_input_files([str(record)])
    form.get_by_role("button", name="暂存").click()
    expect(liaison.page.get_by_test_id("evidence-file")).to_have_count(1)
    liaison.page.once("dialog", lambda dialog: dialog.accept())  # the confirm step
    liaison.page.get_by_test_id("evidence").get_by_test_id("evidence-remove").click()
    expect(liaison.page.get_by_test_id("evidence-file")).to_have_count(0)
    liaison.screenshot("evidence-removed-phone")
    assert not report.evidence.exists()
