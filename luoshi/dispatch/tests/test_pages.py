import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.dispatch import services
from luoshi.dispatch.models import Evidence, Report, ReportState, Submission
from luoshi.testing import count_queries, make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def cycle(city):
    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    make_task(city, title="白沙县的农村公路", lead_unit=city.baisha)
    cadence = make_weekly_cadence(city)
    return services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))


def qs_report(cycle):
    return Report.objects.get(cycle=cycle, task__title="青山县的厂房建设")


def form(report, **extra):
    return {
        "percent": "60",
        "progress": "主体完工",
        "version": str(report.version),
        "idempotency_key": "key-1",
        "action": "submit",
        **extra,
    }


def test_every_report_page_answers_404_to_an_outsider(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.outsider)
    for name in ("report_detail", "report_return", "report_accept", "report_approve"):
        method = client.get if name == "report_detail" else client.post
        assert method(reverse(f"dispatch:{name}", args=[report.pk])).status_code == 404, name
    assert client.post(reverse("dispatch:report_detail", args=[report.pk]), form(report)).status_code == 404
    assert qs_report(cycle).state == ReportState.PENDING


def test_a_cycle_shows_an_outsider_only_their_own_reports(client, city, cycle):
    client.force_login(city.outsider)
    page = client.get(reverse("dispatch:cycle_detail", args=[cycle.pk])).content.decode()
    assert "白沙县的农村公路" in page and "青山县的厂房建设" not in page
    client.force_login(city.township_liaison)  # a township with nothing in this cycle
    assert client.get(reverse("dispatch:cycle_detail", args=[cycle.pk])).status_code == 404


def test_the_inbox_lists_the_units_reports_only(client, city, cycle):
    client.force_login(city.county_liaison)
    page = client.get(reverse("dispatch:inbox")).content.decode()
    assert "青山县的厂房建设" in page and "白沙县的农村公路" not in page


def test_a_double_posted_submit_makes_one_submission(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    assert client.post(url, form(report), follow=True).redirect_chain == [(url, 302)]
    # The first answer was lost, so the browser sends the same form again: it is told the report was sent.
    again = client.post(url, form(report), follow=True)
    assert again.redirect_chain == [(url, 302)]
    assert [str(m) for m in again.context["messages"]] == ["报告已报送。"]
    assert Submission.objects.filter(report=report).count() == 1
    assert qs_report(cycle).state == ReportState.SUBMITTED


HTMX = {"HX-Request": "true"}


def test_with_htmx_a_submit_answers_with_the_sent_report_in_place_of_a_second_page(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    response = client.post(url, form(report), headers=HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "dispatch/_report_body.html"
    page = response.content.decode()
    assert 'id="report-body"' in page and "<html" not in page and 'aria-label="breadcrumb"' not in page
    assert 'data-testid="report-form"' not in page
    assert 'data-testid="report-view"' in page and "报告已报送。" in page and "主体完工" in page
    assert qs_report(cycle).state == ReportState.SUBMITTED
    # The message was shown in the swap: the next page does not show it again.
    assert "报告已报送。" not in client.get(url).content.decode()


def test_with_htmx_a_saved_draft_comes_back_as_a_fresh_form_at_the_new_version(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    response = client.post(url, form(report, action="draft", percent="30"), headers=HTMX)
    assert response.status_code == 200 and "草稿已保存" in response.content.decode()
    assert response.context["form"].initial["version"] == 2 and not response.context["form"].is_bound
    response = client.post(url, form(report, action="draft", percent="90"), headers=HTMX)  # stale
    assert "他人已修改了该报告" in str(response.context["form"].non_field_errors())
    assert response.templates[0].name == "dispatch/_report_body.html"
    assert qs_report(cycle).percent == 30


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("department_liaison", 404), ("city_supervisor", 200)]
)
def test_with_htmx_only_the_units_people_submit_and_others_see_no_form(client, city, cycle, persona, status):
    report = qs_report(cycle)
    client.force_login(getattr(city, persona))
    url = reverse("dispatch:report_detail", args=[report.pk])
    response = client.post(url, form(report), headers=HTMX)
    assert response.status_code == status
    assert status == 404 or 'data-testid="report-form"' not in response.content.decode()
    assert not Submission.objects.exists() and qs_report(cycle).state == ReportState.PENDING


def test_without_javascript_a_submit_is_redirected_to_the_report_page(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    response = client.post(url, form(report))
    assert (response.status_code, response["Location"]) == (302, url)
    page = client.get(url).content.decode()
    assert "报告已报送。" in page and "<html" in page


def test_a_submit_runs_a_fixed_small_number_of_queries(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url, form(report), headers=HTMX).status_code == 200
    # Session, user and unit (3); the report in scope (1); the previous report, for the advice (1); then the
    # one transaction: the locked row, the key, the update, the submission, the audit event (5); the
    # office's notice: its readers, the key, the notice, its audit event (4), in three savepoints (6
    # statements: the test's transaction turns the submit's own into one); the outbound webhooks listening
    # for a submitted report (1: none here, so nothing more); then the swapped part's reads,
    # from the report the write returned, which keeps the previous report read for the advice and the units
    # read by the scoped lookup (history's two, evidence, light: 4; the unread notices are counted only
    # where the header shows them, and the swapped part has none). The audit seal comes after the commit,
    # at most once a second per process.
    assert len(ctx.captured_queries) == 25, "\n".join(q["sql"][:90] for q in ctx.captured_queries)


@pytest.mark.parametrize("relations", [(), services.PAGE_RELATIONS])
def test_the_written_report_holds_what_its_page_shows_however_it_was_read(city, cycle, relations):
    # The page's lookup holds the units already and the write takes them from it; a caller that read the bare
    # row (the API) has them joined to the locked read. Either way the answer needs no further query.
    report = Report.objects.select_related(*relations).get(pk=qs_report(cycle).pk)
    data = services.ReportData(percent=60, progress="主体完工")
    with CaptureQueriesContext(connection) as ctx:
        done = services.submit_report(
            report=report, by=city.county_liaison, data=data, expected_version=1, idempotency_key="k"
        )
    count, ctx0 = len(ctx.captured_queries), ctx
    with CaptureQueriesContext(connection) as ctx:
        shown = [done.unit.name, done.task.issuer.name, done.task.lead_unit.name, done.cycle.cadence.name]
    assert ctx.captured_queries == [] and shown[0] == city.qingshan.name
    # The same statements either way (the test's transaction makes the submit's own a savepoint).
    assert count == 17, "\n".join(q["sql"][:80] for q in ctx0.captured_queries)


def test_a_sent_report_does_not_take_another_key_or_another_persons_resend(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    assert client.post(url, form(report)).status_code == 302
    assert client.post(url, form(report, idempotency_key="key-2")).status_code == 200
    client.force_login(city.county_head)
    assert client.post(url, form(report)).status_code == 200
    assert Submission.objects.filter(report=report).count() == 1


def test_a_stale_draft_gets_a_clear_conflict_and_keeps_the_first(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    assert client.post(url, form(report, action="draft", percent="30")).status_code == 302
    response = client.post(url, form(report, action="draft", percent="90"))
    assert "他人已修改了该报告" in str(response.context["form"].non_field_errors())
    assert qs_report(cycle).percent == 30


def test_evidence_must_be_what_its_name_says(client, city, cycle):
    report = qs_report(cycle)
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    fake = SimpleUploadedFile("照片.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(url, form(report, action="draft", evidence=fake))
    assert "内容与其文件类型不符" in str(response.context["form"].errors["evidence"])
    assert not Evidence.objects.exists() and qs_report(cycle).version == 1  # nothing partial
    pdf = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.7 minimal", content_type="application/pdf")
    assert client.post(url, form(report, action="draft", evidence=pdf)).status_code == 302
    assert Evidence.objects.get(report=report).name == "现场照片.pdf"


def test_the_office_accepts_several_reports_at_once(client, city, cycle):
    for report, who in (
        (qs_report(cycle), city.county_liaison),
        (Report.objects.exclude(pk=qs_report(cycle).pk).get(), city.outsider),
    ):
        services.submit_report(
            report=report,
            by=who,
            data=services.ReportData(percent=50, progress="推进中"),
            expected_version=1,
            idempotency_key=f"k{report.pk}",
        )
    client.force_login(city.city_supervisor)
    ids = list(Report.objects.values_list("pk", flat=True))
    response = client.post(reverse("dispatch:cycle_accept", args=[cycle.pk]), {"report": ids})
    assert response.status_code == 302
    assert set(Report.objects.values_list("state", flat=True)) == {ReportState.ACCEPTED}


def test_a_forged_report_id_in_a_bulk_accept_is_refused(client, city, cycle):
    client.force_login(city.county_supervisor)  # sees only 青山县's report
    other = Report.objects.get(cycle=cycle, task__title="白沙县的农村公路")
    assert (
        client.post(reverse("dispatch:cycle_accept", args=[cycle.pk]), {"report": [other.pk]}).status_code
        == 403
    )


def test_the_cycle_page_runs_the_same_number_of_queries_for_few_or_many_reports(client, city, cycle):
    client.force_login(city.city_supervisor)
    few = count_queries(client, reverse("dispatch:cycle_detail", args=[cycle.pk]))
    for i in range(20):
        make_task(city, title=f"新任务{i}", lead_unit=city.baisha)
    services.open_cycle(cadence=cycle.cadence, number=47, now=dt.datetime(2026, 11, 23, 9, tzinfo=TZ))
    later = cycle.cadence.cycles.get(number=47)
    assert count_queries(client, reverse("dispatch:cycle_detail", args=[later.pk])) == few


def test_a_supervisor_sets_a_weekly_rhythm_and_the_current_cycle_opens(client, city):
    from luoshi.dispatch.models import Cadence, Cycle

    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    rhythm = {
        "task_list": city.economy.pk,
        "name": "一周一调度",
        "frequency": "weekly",
        "anchor": "2026-01-05",
        "due_weekday": "4",
        "due_time": "17:00",
        "grace_minutes": "30",
        "lead_days_per_level": "1",
    }
    client.force_login(city.county_liaison)
    assert client.post(reverse("dispatch:cadence_list"), rhythm).status_code == 403
    client.force_login(city.county_supervisor)  # the county's office cannot set the city's list
    response = client.post(reverse("dispatch:cadence_list"), rhythm)
    assert "task_list" in response.context["form"].errors and not Cadence.objects.exists()
    client.force_login(city.city_supervisor)
    assert client.post(reverse("dispatch:cadence_list"), rhythm).status_code == 302
    cadence = Cadence.objects.get()
    assert (cadence.due_weekday, cadence.grace_minutes) == (4, 30)
    assert Cycle.objects.filter(cadence=cadence).count() == 1
    assert Report.objects.filter(cycle__cadence=cadence).count() == 1


def test_the_unit_filter_of_a_cycle_is_searched_among_many_units_and_within_scope(
    client, city, cycle, monkeypatch
):
    from luoshi.core import forms as core_forms

    monkeypatch.setattr(core_forms, "LISTED_CHOICES", 1)  # a province's many units: searched, not listed
    url = reverse("dispatch:cycle_detail", args=[cycle.pk])
    client.force_login(city.city_supervisor)
    page = client.get(url).content.decode()
    assert 'data-choices="unit"' in page and "白沙县</option>" not in page.split('name="unit"')[1]
    answer = client.get(url, {"choices": "unit", "find": "县"}).json()
    assert [o["label"] for o in answer["options"]] == ["青山县", "白沙县"]
    client.force_login(city.county_supervisor)
    answer = client.get(url, {"choices": "unit", "find": "县"}).json()
    assert [o["label"] for o in answer["options"]] == ["青山县"]
    assert client.get(url, {"choices": "state", "find": "x"}).status_code == 404
