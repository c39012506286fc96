"""In Chromium: "All kept" and a section's box tick the kept rows only, never the dropped ones folded away."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from luoshi.ingest import services
from luoshi.ingest.models import DraftItem
from luoshi.ingest.tests.test_commitment_default import TEXT

pytestmark = pytest.mark.browser
SECOND = "（二）稳定就业\n落实就业优先政策，年底前完成。\n"


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_select_all_ticks_the_kept_rows_and_leaves_the_dropped_ones(browse, live_city, width, name):
    draft = services.create_draft(
        plan=live_city.plan, by=live_city.city_supervisor, source_name="方案.txt", raw_text=TEXT + SECOND
    )
    kept = list(draft.rows.filter(state=DraftItem.State.KEPT))
    dropped = list(draft.rows.filter(state=DraftItem.State.DROPPED))
    assert len(kept) >= 3 and len(dropped) >= 2
    me = browse(width=width)
    me.sign_in("city_supervisor")
    me.open(reverse("ingest:draft_review", args=[draft.pk]))
    toolbar = me.page.get_by_test_id("toolbar")
    count = toolbar.locator("[data-selected-count]")

    toolbar.locator("[data-select-all]").check()
    expect(count).to_have_text(str(len(kept)))
    section = me.page.get_by_test_id("review-section").filter(has_text="扩大有效投资")
    section.locator("summary").first.click()
    section.get_by_test_id("dropped").locator("summary").click()
    for row in dropped:
        expect(me.page.locator(f"#row-{row.pk} input[name=selected]")).not_to_be_checked()
    for row in kept:
        expect(me.page.locator(f"#row-{row.pk} input[name=selected]")).to_be_checked()
    me.screenshot(f"ingest-select-all-kept-{name}")

    toolbar.locator("[data-select-all]").uncheck()
    expect(count).to_be_hidden()
    section.locator("[data-select-section]").check()
    in_section = [r for r in kept if r.section == kept[0].section]
    expect(count).to_have_text(str(len(in_section)))
    toolbar.get_by_label("牵头单位").select_option(label="\u3000青山县")
    toolbar.get_by_role("button", name="设置到所选条目").click()
    expect(me.page.locator(".alert-success")).to_contain_text(f"已修改{len(in_section)}条")
    assert {r.pk for r in draft.rows.filter(lead_unit=live_city.qingshan)} == {r.pk for r in in_section}


def test_a_partly_scanned_pdf_is_drafted_and_the_pages_not_read_are_named(browse, live_city, tmp_path):
    from luoshi.text.tests import documents

    first, second = documents.PAGES
    path = tmp_path / "部分扫描.pdf"
    path.write_bytes(documents.partly_scanned([first, None, second, None]))
    me = browse(390, 844)
    me.sign_in("city_supervisor")
    me.open("/ingest/")
    form = me.page.get_by_test_id("intake-form")
    form.get_by_label("文件").set_input_files(str(path))
    form.get_by_role("button", name="读取文件").click()
    expect(me.page.get_by_test_id("unread-pages")).to_contain_text("第2、4页没有文字层（扫描页）")
    expect(me.page.get_by_test_id("doc-text")).to_contain_text("由市住房城乡建设局牵头")
    me.screenshot("ingest-partly-scanned-phone")
