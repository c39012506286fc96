"""A draft's rows start kept or dropped as the extractor judged them (issue 10 item 2): commitments kept,
slogans, headings and fragments dropped with the reason the review page can show."""

from __future__ import annotations

from luoshi.ingest import services
from luoshi.ingest.models import DraftItem

TEXT = (
    "（一）扩大有效投资，更好保障和改善民生\n"
    "四川作为中西部第一经济大省，必须乘势而为、自我加压，以奋勇争先的成效为全国多作贡献。"
    "实施城市更新行动，打造40个吸引力强、带动面广的消费场景，城镇新增就业不少于28万人。\n"
)


def test_rows_start_kept_for_commitments_and_dropped_for_rhetoric_with_the_reason(city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=TEXT
    )
    rows = {r.text: (r.state, r.reason) for r in draft.rows.all()}
    kept, dropped = DraftItem.State.KEPT, DraftItem.State.DROPPED
    assert rows["扩大有效投资"] == (dropped, "heading")
    assert rows["必须乘势而为、自我加压，以奋勇争先的成效为全国多作贡献"] == (dropped, "slogan")
    assert rows["打造40个吸引力强"] == (dropped, "fragment")
    assert rows["实施城市更新行动"] == (kept, "measure")
    assert rows["打造40个吸引力强、带动面广的消费场景，城镇新增就业不少于28万人"] == (kept, "target")
    assert rows["城镇新增就业不少于28万人"] == (kept, "target")
    items = {i["text"]: i for i in draft.items if i["kind"] in ("task", "target")}
    assert all(items[t]["commitment"] is (state == kept) for t, (state, _) in rows.items() if t in items)
