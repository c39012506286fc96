"""The review page of a draft with 800 items (`python -m bench review`), rendered in-process.

The Sichuan work report drafts 758 tasks and targets; copies of its rows bring the draft to 800, as the
issue asks. Reported: the time to make the draft (clean, extract, match units, lay out the rows), and the
median render of the review page for the city's office with its query count, which must not grow with
the number of items (luoshi/ingest/tests/test_review.py checks that).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ITEMS = 800
RENDERS = 9
SICHUAN = (
    Path(__file__).resolve().parent.parent
    / "luoshi"
    / "text"
    / "tests"
    / "corpus"
    / "reports"
    / "gwr2026_sichuan.txt"
)


def run() -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from luoshi.demo import loader
    from luoshi.ingest.models import DraftItem
    from luoshi.ingest.services import create_draft
    from luoshi.orgs.models import User
    from luoshi.plans.models import Plan

    if not User.objects.filter(username="ducha").exists():
        loader.load()
    office = User.objects.get(username="ducha")
    plan = Plan.objects.managed_by(office).order_by("-year", "-id").first()
    text = SICHUAN.read_text(encoding="utf-8")
    start = time.perf_counter()
    draft = create_draft(plan=plan, by=office, source_name="四川报告.txt", raw_text=text)
    drafting = time.perf_counter() - start
    rows = list(draft.rows.all())
    extra = [
        DraftItem(
            draft=draft,
            section=r.section,
            kind=r.kind,
            start=r.start,
            end=r.end,
            text=r.text,
            due=r.due,
            state=r.state,
            lead_unit_id=r.lead_unit_id,
        )  # fmt: skip
        for r in (rows * 2)[: max(0, ITEMS - len(rows))]
    ]
    DraftItem.objects.bulk_create(extra)
    total = draft.rows.count()
    client = Client()
    client.force_login(office)
    times = []
    for _ in range(RENDERS):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(f"/ingest/{draft.pk}/")
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200
    median = statistics.median(times)
    print(f"review page, the Sichuan report ({len(rows)} items drafted, {total} on the page), in-process")
    print(f"  drafting (clean, extract, match units, rows) {drafting * 1000:7.1f} ms")
    queries = len(ctx.captured_queries)
    print(f"  review page, median of {RENDERS} renders       {median * 1000:7.1f} ms  {queries} queries")
    return {"drafting_ms": round(drafting * 1000, 1), "items": total, "render_ms": round(median * 1000, 1)}
