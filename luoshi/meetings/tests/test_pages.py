"""The pages of 调度会: scope (404 outside it, letters to their units), the walk through the pages, the
brief, the letter as .docx, and bounded queries on the list and the meeting."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.utils.html import escape
from docx import Document

from luoshi.meetings import services
from luoshi.meetings.models import Decision, Meeting, ReminderLetter, State
from luoshi.meetings.rules import REFUSALS, Act
from luoshi.meetings.tests.factory import DUE, held_with_decisions, lagging_tasks, make_meeting
from luoshi.testing import count_queries


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def closed_meeting(city, *units):
    meeting = held_with_decisions(city, make_meeting(city), *units)
    return services.close_minutes(meeting=meeting, by=city.city_supervisor, minutes="")


def test_an_outsider_gets_404_on_every_page_of_a_meeting_and_its_letters(city):
    lagging_tasks(city)
    meeting = closed_meeting(city, city.qingshan)
    entry = meeting.entries.first()
    letter = meeting.letters.get()
    outsider = client_of(city.outsider)
    for url in (
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/agenda/{entry.pk}/",
        f"/meetings/letters/{letter.pk}/",
        f"/meetings/letters/{letter.pk}/docx/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"/meetings/{meeting.pk}/hold/",
        f"/meetings/{meeting.pk}/agenda/rebuild/",
        f"/meetings/{meeting.pk}/agenda/{entry.pk}/remove/",
        f"/meetings/{meeting.pk}/decisions/",
        f"/meetings/{meeting.pk}/close/",
        f"/meetings/decisions/{meeting.decisions.get().pk}/withdraw/",
    ):
        assert outsider.post(url).status_code == 404, url
    page = outsider.get("/meetings/").content.decode()
    assert meeting.title not in page


def test_a_unit_sees_its_letter_but_not_the_meeting_nor_another_units_letter(city):
    meeting = closed_meeting(city, city.qingshan_town, city.fgw)
    town = meeting.letters.get(unit=city.qingshan_town)
    fgw = meeting.letters.get(unit=city.fgw)
    township = client_of(city.township_liaison)
    assert township.get(f"/meetings/{meeting.pk}/").status_code == 404
    page = township.get(f"/meetings/letters/{town.pk}/").content.decode()
    assert "青山镇第1项" in page and "市发展改革委第2项" not in page
    assert township.get(f"/meetings/letters/{fgw.pk}/").status_code == 404
    listing = township.get("/meetings/").content.decode()
    assert f"/meetings/letters/{town.pk}/" in listing and f"/meetings/letters/{fgw.pk}/" not in listing
    # The county above the township sees its letter too; the other township does not.
    assert client_of(city.county_liaison).get(f"/meetings/letters/{town.pk}/").status_code == 200
    assert client_of(city.other_township_liaison).get(f"/meetings/letters/{town.pk}/").status_code == 404
    assert list(Decision.objects.visible_to(city.township_liaison).values_list("lead_unit", flat=True)) == [
        city.qingshan_town.pk
    ]
    assert not Decision.objects.visible_to(city.outsider).exists()
    # The leader follows the city's meetings.
    assert client_of(city.leader).get(f"/meetings/{meeting.pk}/").status_code == 200


def test_the_office_walks_a_meeting_through_its_pages(city):
    red, _yellow = lagging_tasks(city)
    office = client_of(city.city_supervisor)
    response = office.post(
        "/meetings/new/",
        {"title": "全市重点工作第11次调度会", "held_on": "2026-11-18", "task_list": city.economy.pk},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    page = office.get(f"/meetings/{meeting.pk}/").content.decode()
    assert red.title in page and 'data-testid="agenda-red"' in page
    entry = meeting.entries.get(task=red)
    brief = office.get(f"/meetings/{meeting.pk}/agenda/{entry.pk}/").content.decode()
    assert red.code in brief and 'data-testid="brief"' in brief
    assert 'data-testid="brief-reason"' in brief
    assert office.post(f"/meetings/{meeting.pk}/hold/").status_code == 302
    decision = {"text": "青山县本月底前完成厂房主体封顶", "lead_unit": city.qingshan.pk, "due": "2026-12-10"}
    assert (
        office.post(f"/meetings/{meeting.pk}/decisions/", {**decision, "entry": entry.pk}).status_code == 302
    )
    assert meeting.decisions.get().task == red
    assert (
        office.post(f"/meetings/{meeting.pk}/close/", {"minutes": "会议要求各单位抓好落实。"}).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert meeting.state == State.CLOSED and meeting.decisions.get().item.task == red
    page = office.get(f"/meetings/{meeting.pk}/").content.decode()
    assert meeting.decisions.get().item.code in page and 'data-testid="letters"' in page


def test_a_refused_step_says_why_and_writes_nothing(city):
    office = client_of(city.city_supervisor)
    meeting = make_meeting(city)
    response = office.post(
        f"/meetings/{meeting.pk}/decisions/",
        {"text": "x", "lead_unit": city.qingshan.pk, "due": "2026-12-10"},
        follow=True,
    )
    assert escape(str(REFUSALS[(State.PREPARING, Act.DECIDE)])) in response.content.decode()
    assert not meeting.decisions.exists()
    assert client_of(city.county_liaison).get("/meetings/new/").status_code == 403


def test_the_letter_downloads_as_a_docx_naming_the_unit_and_the_decision(city):
    meeting = closed_meeting(city, city.qingshan)
    letter = ReminderLetter.objects.get(meeting=meeting)
    response = client_of(city.county_liaison).get(f"/meetings/letters/{letter.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    item = meeting.decisions.get().item
    assert "青山县：" in text and "青山县第1项：本月底前完成厂房主体封顶" in text and item.code in text
    assert DUE.year == 2026 and "2026年12月10日" in text


def test_the_list_and_the_meeting_run_a_bounded_number_of_queries(city, clock):
    lagging_tasks(city)
    office = client_of(city.city_supervisor)
    first = closed_meeting(city, city.qingshan)
    few_list = count_queries(office, "/meetings/")
    few_detail = count_queries(office, f"/meetings/{first.pk}/")
    for n in range(4):
        clock.set(dt.date(2026, 11, 19 + n))
        closed_meeting(city, city.qingshan, city.fgw, city.qingshan_town)
    latest = Meeting.objects.order_by("-pk").first()
    office = client_of(city.city_supervisor)  # signed in again at the clock's new time
    assert count_queries(office, "/meetings/") == few_list
    assert count_queries(office, f"/meetings/{latest.pk}/") == few_detail
    township = client_of(city.township_liaison)
    assert count_queries(township, "/meetings/") <= few_list


def test_the_brief_shows_what_was_promised_reported_and_the_trajectory(city, clock):
    from luoshi.dispatch import services as dispatch
    from luoshi.dispatch.models import Report
    from luoshi.testing import make_weekly_cadence

    red, _yellow = lagging_tasks(city)
    weekly = make_weekly_cadence(city)
    for number, percent in ((45, 30), (46, 35)):
        cycle = dispatch.open_cycle(cadence=weekly, number=number, now=clock.now())
        pending = Report.objects.get(cycle=cycle, task=red)
        dispatch.submit_report(
            report=pending,
            by=city.county_liaison,
            data=dispatch.ReportData(percent=percent, progress=f"完成{percent}%", problems="钢材供应紧张"),
            expected_version=pending.version,
            idempotency_key=f"brief-{number}",
        )
    meeting = make_meeting(city)
    entry = meeting.entries.get(task=red)
    page = client_of(city.city_supervisor).get(f"/meetings/{meeting.pk}/agenda/{entry.pk}/").content.decode()
    assert "钢材供应紧张" in page and "完成35%" in page
    trajectory = page[page.index('data-testid="trajectory"') :]
    assert trajectory.index("30%") < trajectory.index("35%")
