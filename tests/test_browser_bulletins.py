"""通报 in Chromium: the office generates last month's bulletin, watches its progress until the sections
appear, edits one, publishes it; a county liaison is told, reads it and downloads the .docx."""

from __future__ import annotations

import io

import docx
import pytest
from playwright.sync_api import expect

from luoshi.assessment.tests.conftest import build_system, fill_october
from luoshi.assessment.tests.conftest import run as run_assessment
from luoshi.bulletins import services
from luoshi.bulletins.models import Bulletin
from luoshi.bulletins.tests.conftest import fill_reports

pytestmark = pytest.mark.browser

SIZES = [(1280, "desktop"), (390, "phone")]


@pytest.mark.parametrize(("width", "suffix"), SIZES)
def test_the_office_generates_edits_and_publishes_and_a_county_reads_it(
    browse, live_city, clock, width, suffix
):
    c = live_city
    system = build_system(c)
    fill_october(c, clock, system)
    fill_reports(c)
    run_assessment(c, system)

    office = browse(width=width, height=900)
    office.sign_in("city_supervisor")
    office.open("/bulletins/")
    office.page.get_by_test_id("bulletin-new").click()
    form = office.page.get_by_test_id("bulletin-form")
    expect(form.get_by_label("起始日期")).to_have_value("2026-10-01")
    expect(form.get_by_label("截止日期")).to_have_value("2026-10-31")
    form.get_by_label("发文字号").fill("临督通〔2026〕9号")
    form.get_by_label("通报范围").select_option(label="临江市")
    form.get_by_label("排名取自考核").select_option(index=1)
    form.get_by_test_id("bulletin-generate").click()
    progress = office.page.get_by_test_id("bulletin-progress")
    expect(progress).to_contain_text("0/7")
    office.screenshot(f"bulletin-progress-{suffix}")

    services.generate(Bulletin.objects.get())  # what the job does, in the consumer; the page polls
    headings = office.page.get_by_test_id("section-heading")
    expect(headings).to_have_count(7, timeout=10_000)
    expect(headings.first).to_have_text("一、总体情况")
    late = office.page.get_by_test_id("figure").filter(has_text="迟报").first
    late.click()
    expect(office.page).to_have_url(f"{office.page.url.split('#')[0]}#reports-late")
    office.screenshot(f"bulletin-ready-{suffix}")

    office.page.get_by_test_id("section-edit").first.click()
    section = office.page.get_by_test_id("section-form")
    section.get_by_label("正文").fill("全市重点任务总体推进有力，个别单位报送不及时。")
    section.get_by_test_id("section-save").click()
    expect(office.page.get_by_test_id("section-text").first).to_have_text(
        "全市重点任务总体推进有力，个别单位报送不及时。"
    )
    office.page.get_by_test_id("bulletin-publish").click()
    expect(office.page.get_by_test_id("bulletin-state")).to_have_text("已发布")
    expect(office.page.get_by_test_id("section-edit")).to_have_count(0)

    county = browse(width=width, height=900)
    county.sign_in("county_liaison")
    county.open("/notices/")
    notice = county.page.get_by_test_id("notice").filter(has_text="关于重点任务落实情况的通报")
    expect(notice).to_have_count(1)
    county.screenshot(f"bulletin-notice-{suffix}")
    notice.locator("a").first.click()
    expect(county.page.get_by_test_id("bulletin-title")).to_have_text("关于重点任务落实情况的通报")
    expect(county.page.get_by_test_id("section-text").first).to_contain_text("全市重点任务总体推进有力")
    county.screenshot(f"bulletin-read-{suffix}")
    with county.page.expect_download() as caught:
        county.page.get_by_test_id("bulletin-docx").click()
    download = caught.value
    assert download.suggested_filename == "关于重点任务落实情况的通报.docx"
    with open(download.path(), "rb") as f:
        document = docx.Document(io.BytesIO(f.read()))
    texts = [p.text for p in document.paragraphs]
    assert "一、总体情况" in texts and "全市重点任务总体推进有力，个别单位报送不及时。" in texts
