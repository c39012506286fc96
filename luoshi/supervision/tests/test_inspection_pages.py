"""The pages of 督查 and 整改: scope (404 outside it, 403 for the wrong role), the walk through the pages,
counts and overdue marks, the calendar's overlaps, and bounded query counts on the lists."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from luoshi.supervision.models import CloseOut, Inspection, Rectification, RectState, SupervisionItem
from luoshi.supervision.tests.inspection_factory import (
    drive_rect,
    evidence,
    make_inspection,
    make_rectification,
)
from luoshi.testing import count_queries, make_task


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def test_an_outsider_gets_404_on_every_page_of_an_inspection_and_a_rectification(city):
    inspection = make_inspection(city, units=[city.qingshan])
    rect = drive_rect(city, make_rectification(city, inspection), RectState.REQUESTED)
    file = rect.close_outs.get().files.get()
    outsider = client_of(city.outsider)
    for url in (
        f"/supervision/inspections/{inspection.pk}/",
        f"/supervision/rectifications/{rect.pk}/",
        f"/supervision/rectifications/{rect.pk}/files/{file.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"/supervision/inspections/{inspection.pk}/finding/",
        f"/supervision/findings/{rect.finding_id}/item/",
        f"/supervision/rectifications/{rect.pk}/close-out/",
        f"/supervision/rectifications/{rect.pk}/verify/",
        f"/supervision/rectifications/{rect.pk}/return/",
    ):
        assert outsider.post(url).status_code == 404, url
    for url in (
        "/supervision/inspections/",
        "/supervision/rectifications/",
        "/supervision/inspections/calendar/",
    ):
        page = outsider.get(url)
        assert page.status_code == 200
        assert inspection.title not in page.content.decode()
    assert outsider.get("/supervision/inspections/new/").status_code == 403


def test_the_walk_through_the_pages(city):
    office = client_of(city.city_supervisor)
    response = office.post(
        "/supervision/inspections/new/",
        {"title": "河长制落实情况专项督查", "scope": "", "starts": "2026-11-23", "ends": "2026-11-24",
         "units": [city.qingshan.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    url = response["Location"]
    office.post(
        f"{url}finding/",
        {"unit": city.qingshan.pk, "problem": "河道垃圾清理不及时", "measures": "落实日常保洁",
         "responsible": "李明", "due": "2026-12-10"},
    )  # fmt: skip
    rect = Rectification.objects.get()
    assert rect.finding.problem in office.get(url).content.decode()
    liaison = client_of(city.county_liaison)
    page = liaison.get(f"/supervision/rectifications/{rect.pk}/").content.decode()
    assert 'data-testid="close-out-form"' in page and 'data-testid="rect-verify"' not in page
    liaison.post(
        f"/supervision/rectifications/{rect.pk}/close-out/",
        {"statement": "已完成清理并建立保洁台账", "evidence": evidence()},
    )
    rect.refresh_from_db()
    assert rect.state == RectState.REQUESTED
    file = CloseOut.objects.get().files.get()
    assert liaison.get(f"/supervision/rectifications/{rect.pk}/files/{file.pk}/").status_code == 200
    assert liaison.post(f"/supervision/rectifications/{rect.pk}/verify/").status_code == 403
    assert (
        'data-testid="rect-verify"' in office.get(f"/supervision/rectifications/{rect.pk}/").content.decode()
    )
    office.post(f"/supervision/rectifications/{rect.pk}/verify/")
    rect.refresh_from_db()
    assert rect.state == RectState.CLOSED
    office.post(f"/supervision/findings/{rect.finding_id}/item/")
    assert not SupervisionItem.objects.exists()  # a closed finding is not raised: nothing is left to chase


def test_a_refused_close_out_says_why_and_writes_nothing(city):
    rect = make_rectification(city, make_inspection(city))
    liaison = client_of(city.county_liaison)
    response = liaison.post(
        f"/supervision/rectifications/{rect.pk}/close-out/", {"statement": "已整改"}, follow=True
    )
    assert "evidence" in response.content.decode().lower() or "佐证" in response.content.decode()
    rect.refresh_from_db()
    assert rect.state == RectState.IN_PROGRESS and not CloseOut.objects.exists()


def test_the_list_counts_and_marks_overdue_rectifications_red(city, clock):
    inspection = make_inspection(city)
    make_rectification(city, inspection, problem="逾期未整改的问题", due=dt.date(2026, 11, 20))
    make_rectification(city, inspection, problem="按期整改中的问题", due=dt.date(2026, 12, 30))
    drive_rect(city, make_rectification(city, inspection, problem="已销号的问题"), RectState.CLOSED)
    clock.set(dt.date(2026, 11, 25))
    office = client_of(city.city_supervisor)
    page = office.get("/supervision/rectifications/").content.decode()
    assert page.count('class="table-danger"') == 1
    late = office.get("/supervision/rectifications/", {"overdue": "yes"}).content.decode()
    assert "逾期未整改的问题" in late and "按期整改中的问题" not in late
    closed = office.get("/supervision/rectifications/", {"state": RectState.CLOSED}).content.decode()
    assert "已销号的问题" in closed and "逾期未整改的问题" not in closed
    listing = office.get("/supervision/inspections/").content.decode()
    assert "1 overdue" in listing or "1 项逾期" in listing or "text-bg-danger" in listing


def test_the_calendar_shows_two_inspections_on_one_unit_at_one_time(city):
    make_inspection(city, title="安全生产督查", units=[city.qingshan])
    make_inspection(city, title="环保督查", units=[city.qingshan, city.baisha], starts=dt.date(2026, 11, 24),
                    ends=dt.date(2026, 11, 26))  # fmt: skip
    make_inspection(city, title="白沙县乡村振兴督查", units=[city.baisha], starts=dt.date(2026, 11, 2),
                    ends=dt.date(2026, 11, 3))  # fmt: skip
    page = client_of(city.city_supervisor).get("/supervision/inspections/calendar/", {"month": "2026-11"})
    text = page.content.decode()
    assert text.count('data-testid="calendar-overlap"') == 1
    assert "安全生产督查" in text and "环保督查" in text
    assert text.count('data-testid="calendar-inspection"') == 3
    december = client_of(city.city_supervisor).get("/supervision/inspections/calendar/", {"month": "2026-12"})
    assert 'data-testid="calendar-inspection"' not in december.content.decode()
    assert (
        client_of(city.city_supervisor)
        .get("/supervision/inspections/calendar/", {"month": "nonsense"})
        .status_code
        == 200
    )


def test_the_lists_run_a_bounded_number_of_queries(city):
    office = client_of(city.city_supervisor)

    def grow(n):
        for _ in range(n):
            inspection = make_inspection(city)
            make_rectification(city, inspection)
            make_rectification(city, inspection, unit=city.baisha)

    grow(2)
    few = {url: count_queries(office, url) for url in (
        "/supervision/inspections/", "/supervision/rectifications/", "/supervision/inspections/calendar/"
    )}  # fmt: skip
    grow(10)
    for url, n in few.items():
        many = count_queries(office, url)
        assert many == n, url
        assert many <= 12, url


def test_planning_an_inspection_on_units_already_inspected_then_shows_them_first(city):
    earlier = make_inspection(city, title="安全生产督查", units=[city.qingshan, city.baisha])
    office = client_of(city.city_supervisor)
    form = {"title": "环保督查", "scope": "", "starts": "2026-11-24", "ends": "2026-11-27",
            "units": [city.qingshan.pk, city.fgw.pk]}  # fmt: skip
    first = office.post("/supervision/inspections/new/", form)
    assert first.status_code == 200
    page = first.content.decode()
    assert page.count('data-testid="inspection-crowding-item"') == 1
    assert earlier.title in page
    assert 'name="crowding_seen" value="on"' in page  # the form comes back ready to plan anyway
    assert Inspection.objects.count() == 1
    again = office.post("/supervision/inspections/new/", {**form, "crowding_seen": "on"})
    assert again.status_code == 302
    assert Inspection.objects.count() == 2
    apart = office.post(
        "/supervision/inspections/new/", {**form, "starts": "2026-12-01", "ends": "2026-12-02"}
    )
    assert apart.status_code == 302  # a week later: nothing to see first


def test_an_inspected_unit_sees_the_inspection_but_only_its_own_findings(city):
    inspection = make_inspection(city, units=[city.qingshan, city.baisha])
    make_rectification(city, inspection, problem="青山县的问题：台账不全")
    make_rectification(city, inspection, unit=city.baisha, problem="白沙县的问题：巡查缺位")
    page = client_of(city.outsider).get(f"/supervision/inspections/{inspection.pk}/").content.decode()
    assert "白沙县的问题" in page and "青山县的问题" not in page
    listing = client_of(city.outsider).get("/supervision/inspections/").content.decode()
    assert inspection.title in listing
    office = (
        client_of(city.city_supervisor).get(f"/supervision/inspections/{inspection.pk}/").content.decode()
    )
    assert "白沙县的问题" in office and "青山县的问题" in office


def test_an_inspection_of_a_task_starts_from_the_task_page_with_its_units(city):
    task = make_task(
        city, title="推进青山县工业园区标准化厂房建设", lead_unit=city.qingshan, co_units=[city.fgw]
    )
    office = client_of(city.city_supervisor)
    assert (
        f"/supervision/inspections/new/?task={task.pk}" in office.get(f"/tasks/{task.pk}/").content.decode()
    )
    form = office.get("/supervision/inspections/new/", {"task": task.pk}).content.decode()
    assert 'data-testid="inspection-task"' in form and task.title in form
    sent = {"title": "标准化厂房建设专项督查", "scope": "", "starts": "2026-11-30", "ends": "2026-12-01",
            "units": [city.qingshan.pk, city.fgw.pk], "task": task.pk}  # fmt: skip
    assert office.post("/supervision/inspections/new/", sent).status_code == 302
    assert list(Inspection.objects.get().tasks.all()) == [task]
    # A task outside the planner's scope is refused, and nothing is planned.
    other = make_task(city, title="白沙县农村公路提档升级", lead_unit=city.baisha)
    county = client_of(city.county_supervisor)
    again = {**sent, "units": [city.qingshan.pk], "task": other.pk, "crowding_seen": "on"}
    refused = county.post("/supervision/inspections/new/", again)
    assert refused.status_code == 200 and Inspection.objects.count() == 1
    assert refused.context["form"].errors["task"]
