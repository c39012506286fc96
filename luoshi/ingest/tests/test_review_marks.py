"""The review page highlights characters the cleaner marked lost (U+FFFD), titled in the reader's language."""

import re

from django.urls import reverse
from django.utils import translation

from luoshi.ingest import services
from luoshi.ingest.templatetags.review_marks import mark_lost

# A work plan copied from a damaged page: the run after 工作 lost the lead byte of 任 and the trail byte
# of 务, and nothing in its bytes or on the page proves them, so the cleaner marks both lost.
DAMAGED = (
    "临江市2026年优化营商环境工作方案\n"
    "一、加快推进青山县工业园区标准化厂房建设，6月底前完成主体工程。\n"
    "二、各项工作?挝?要落到实处，市发展改革委牵头，实行一周一调度。\n"
)


def test_a_lost_run_becomes_one_marked_span_and_the_rest_is_escaped():
    with translation.override("zh-hans"):
        html = mark_lost("<b>各项\ufffd\ufffd工作</b>")
    assert html == (
        "&lt;b&gt;各项"
        '<mark class="lost" title="原文此处损坏，缺失 2 个字，请对照原件核实">\ufffd\ufffd</mark>'
        "工作&lt;/b&gt;"
    )
    assert mark_lost("没有损坏") == "没有损坏"


def test_the_review_page_marks_the_lost_characters(client, city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=DAMAGED
    )
    assert "各项工作\ufffd\ufffd要落到实处" in draft.text and draft.repairs["lost"] == 2
    client.force_login(city.city_supervisor)
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    text = page[page.index('data-testid="doc-text"') : page.index('data-testid="original-text"')]
    assert text.count('<mark class="lost"') == 1
    assert "缺失 2 个字，请对照原件核实" in text


def test_a_review_row_marks_the_lost_characters_of_its_evidence(client, city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=DAMAGED
    )
    [damaged] = [r for r in draft.rows.all() if "\ufffd" in r.text]
    client.force_login(city.city_supervisor)
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    row = page[page.index(f'id="row-{damaged.pk}"') :]
    evidence = row[row.index('class="review-evidence"') : row.index("</div>")]
    assert evidence.count('<mark class="lost" title="原文此处损坏，缺失 2 个字，请对照原件核实">') == 1
    assert "\ufffd\ufffd</mark>要落到实处" in evidence


def test_the_original_names_each_repair_in_the_readers_language_not_by_its_code(client, city):
    raw = (
        "一、加快推进中国(guó)青山县工业园区建设,，年底前完成。\n"
        "二、各项工作?挝?要落到实处，市发展改革委牵头。\n"
        "责任编辑：张三\n"
    )
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=raw
    )
    client.force_login(city.city_supervisor)
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    original = page[page.index('data-testid="original-text"') :]
    original = original[: original.index("</div>")]
    titles = re.findall(r'<del class="damage damage-(\w+)" title="([^"]*)">', original)
    assert {kind for kind, _title in titles} == {"ruby", "comma", "mojibake", "boilerplate"}
    assert dict(titles) == {
        "ruby": "已删去拼音注音",
        "comma": "已删去多余逗号",
        "mojibake": "乱码（已修复，无法修复处标为缺失）",
        "boilerplate": "已移出网站页面杂项",
    }
