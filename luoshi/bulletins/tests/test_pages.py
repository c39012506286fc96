"""The pages of 通报 as each persona meets them."""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from urllib.parse import unquote

from docx import Document

from luoshi.bulletins import services
from luoshi.bulletins.models import Bulletin, State
from luoshi.bulletins.tests.worlds import ready_bulletin
from luoshi.testing import count_queries

from .conftest import END, START


def test_the_office_creates_a_bulletin_and_its_page_shows_progress_until_ready(client, city, october_world):
    client.force_login(city.city_supervisor)
    form = {"title": "关于10月份工作的通报", "number": "临督通〔2026〕5号", "period_start": START.isoformat(),
            "period_end": END.isoformat(), "scope": city.city.pk, "run": october_world["run"].pk}  # fmt: skip
    response = client.post("/bulletins/new/", form)
    bulletin = Bulletin.objects.get(number="临督通〔2026〕5号")
    assert response.status_code == 302 and response["Location"] == f"/bulletins/{bulletin.pk}/"
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "bulletin-progress" in page  # the job has not run yet
    progress = client.get(f"/bulletins/{bulletin.pk}/progress/")
    assert "HX-Refresh" not in progress and "0%" in progress.content.decode()
    services.generate(bulletin)
    progress = client.get(f"/bulletins/{bulletin.pk}/progress/")
    assert progress["HX-Refresh"] == "true" and "every 1s" not in progress.content.decode()
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "一、总体情况" in page and "七、表扬和批评" in page and 'href="#reports-late"' in page
    assert 'id="reports-late"' in page and f"/reports/{october_world['late'].pk}/" in page


def test_a_bad_period_is_refused_on_the_form_and_writes_nothing(client, city):
    client.force_login(city.city_supervisor)
    form = {"title": "通报", "period_start": "2026-10-31", "period_end": "2026-10-01", "scope": city.city.pk}
    response = client.post("/bulletins/new/", form)
    assert response.status_code == 200 and "结束日期早于开始日期" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_liaison_sees_a_draft_nowhere_and_a_published_bulletin_of_their_scope(client, city, ready):
    client.force_login(city.county_liaison)
    assert client.get(f"/bulletins/{ready.pk}/").status_code == 404
    assert ready.title not in client.get("/bulletins/").content.decode()
    services.publish(bulletin=ready, by=city.city_supervisor)
    page = client.get(f"/bulletins/{ready.pk}/").content.decode()
    assert ready.title in page and "bulletin-publish" not in page and "section-edit" not in page
    assert ready.title in client.get("/bulletins/").content.decode()


def test_a_published_bulletin_of_another_county_is_not_found(client, city, october_world):
    bulletin = ready_bulletin(city.city_supervisor, city.baisha)
    services.publish(bulletin=bulletin, by=city.city_supervisor)
    client.force_login(city.county_liaison)
    assert client.get(f"/bulletins/{bulletin.pk}/").status_code == 404
    assert client.get(f"/bulletins/{bulletin.pk}/bulletin.docx").status_code == 404
    client.force_login(city.outsider)
    assert client.get(f"/bulletins/{bulletin.pk}/").status_code == 200


def test_the_office_edits_a_section_then_publishes_and_then_may_not_edit(client, city, ready):
    client.force_login(city.city_supervisor)
    section = ready.sections.order_by("order").first()
    url = f"/bulletins/{ready.pk}/sections/{section.pk}/"
    response = client.post(url, {"heading": "总体情况", "text": "全市重点任务总体推进有力。", "version": 1})
    assert response.status_code == 302
    assert "全市重点任务总体推进有力。" in client.get(f"/bulletins/{ready.pk}/").content.decode()
    stale = client.post(url, {"heading": "总体情况", "text": "旧页面的改动", "version": 1})
    assert stale.status_code == 200 and "请刷新页面" in stale.content.decode()
    assert client.post(f"/bulletins/{ready.pk}/publish/").status_code == 302
    ready.refresh_from_db()
    assert ready.state == State.PUBLISHED
    again = client.post(url, {"heading": "总体情况", "text": "发布后的改动", "version": 2}, follow=True)
    assert "通报已发布，不能再编辑。" in again.content.decode()
    section.refresh_from_db()
    assert section.text == "全市重点任务总体推进有力。"


def test_the_exports_download_with_the_bulletins_title_as_their_name(client, city, ready):
    client.force_login(city.city_supervisor)
    for suffix, kind in (("docx", "wordprocessingml"), ("xlsx", "spreadsheetml")):
        response = client.get(f"/bulletins/{ready.pk}/bulletin.{suffix}")
        assert response.status_code == 200 and kind in response["Content-Type"]
        assert unquote(response["Content-Disposition"]).endswith(f"{ready.title}.{suffix}")


def test_the_list_page_runs_a_bounded_number_of_queries(client, city, october_world):
    client.force_login(city.city_supervisor)
    ready_bulletin(city.city_supervisor, city.baisha)
    few = count_queries(client, "/bulletins/")
    for unit in (city.qingshan, city.fgw, city.qingshan_town):
        ready_bulletin(city.city_supervisor, unit)
    assert count_queries(client, "/bulletins/") == few


def test_a_group_cut_to_its_first_rows_says_so_beside_its_figure(client, city, generated, monkeypatch):
    monkeypatch.setattr("luoshi.bulletins.drafting.ROWS_MAX", 1)
    bulletin = generated()
    cut = [(key, total) for section in bulletin.sections.all() for key, total in section.totals.items()]
    assert cut and all(total > 1 for _key, total in cut)  # October's world has groups of several rows
    for section in bulletin.sections.all():
        assert all(n == 1 for n in Counter(row["group"] for row in section.rows).values())
    client.force_login(city.city_supervisor)
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert page.count('data-testid="rows-kept"') == len(cut)
    for _key, total in cut:
        assert f"仅列出前 1 项，共 {total} 项" in page
    document = client.get(f"/bulletins/{bulletin.pk}/bulletin.docx")
    assert document.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(document.content)).paragraphs)
    assert all(f"仅列出前 1 项，共 {total} 项" in text for _key, total in cut)
