"""Errors a user can cause answer 4xx with a page that says what happened, in the interface language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report, ReportState
from luoshi.plans.models import Milestone, Task
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task, make_weekly_cadence
from luoshi.web import errors

TZ = dt.timezone(dt.timedelta(hours=8))


def in_english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def is_error_page(response, status: int) -> bool:
    page = response.content.decode()
    return response.status_code == status and f'data-testid="error-page" data-status="{status}"' in page


@pytest.fixture
def report(city):
    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    cycle = dispatch.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    return Report.objects.get(cycle=cycle, task__title="青山县的厂房建设")


def submitted(report, by):
    data = dispatch.ReportData(percent=60, progress="主体完工")
    return dispatch.submit_report(
        report=report, by=by, data=data, expected_version=report.version, idempotency_key="k-1"
    )


def task_form(city, **changes):
    return {"title": "任务", "lead_unit": city.qingshan.pk, "start": "2026-01-01", "due": "2026-12-31",
            "weight": "1", "version": "1", "responsibility_note": "待指定", **changes}  # fmt: skip


# Item 5: domain errors are 4xx with the message shown.


def test_a_double_click_on_accept_answers_400_saying_why(client, city, report):
    submitted(report, city.county_liaison)
    in_english(client).force_login(city.city_supervisor)
    url = reverse("dispatch:report_accept", args=[report.pk])
    assert client.post(url).status_code == 302
    events = AuditEvent.objects.count()
    second = client.post(url)
    assert is_error_page(second, 400)
    assert "Only submitted reports can be accepted" in second.content.decode()
    assert AuditEvent.objects.count() == events
    assert Report.objects.get(pk=report.pk).state == ReportState.ACCEPTED


def test_returning_or_approving_a_report_in_the_wrong_state_answers_400(client, city, report):
    in_english(client).force_login(city.city_supervisor)
    response = client.post(reverse("dispatch:report_return", args=[report.pk]), {"comment": "补充材料"})
    assert is_error_page(response, 400)
    assert "Only a sent report can be returned" in response.content.decode()
    client.force_login(city.county_head)
    response = client.post(reverse("dispatch:report_approve", args=[report.pk]))
    assert is_error_page(response, 400)
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def test_an_htmx_request_refused_gets_a_fragment_the_page_shows(client, city, report):
    submitted(report, city.county_liaison)
    client.force_login(city.city_supervisor)
    url = reverse("dispatch:report_accept", args=[report.pk])
    client.post(url)
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 400 and response["HX-Reswap"] == "none"
    assert 'data-testid="error-fragment"' in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("version", ["abc", "", None, "0", "1e3", str(10**30)])
def test_a_task_edit_with_a_missing_or_bad_version_is_refused_on_the_form(client, city, version):
    task = make_task(city, title="原标题")
    in_english(client).force_login(city.city_supervisor)
    form = task_form(city, title="新标题", version=version)
    if version is None:
        del form["version"]
    response = client.post(reverse("plans:task_edit", args=[task.pk]), form)
    assert response.status_code == 200
    assert "This form is out of date or incomplete" in response.content.decode()
    assert Task.objects.get(pk=task.pk).title == "原标题"


def test_a_milestone_edit_without_its_version_or_after_another_save_is_refused(client, city):
    task = make_task(city, milestones=[MilestoneSpec("主体封顶", dt.date(2026, 9, 30), 70)])
    milestone = task.milestones.get()
    in_english(client).force_login(city.city_supervisor)
    url = reverse("plans:milestone_edit", args=[milestone.pk])
    loaded = client.get(url).context["form"]["version"].value()
    form = {"title": "改过的节点", "due": "2026-10-31", "expected_progress": "75"}
    response = client.post(url, form)
    assert "This form is out of date or incomplete" in response.content.decode()
    assert client.post(url, {**form, "version": loaded}).status_code == 302
    response = client.post(url, {**form, "title": "另一次保存", "version": loaded})
    assert response.status_code == 200
    assert "Someone else saved this milestone" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "改过的节点"


def test_a_reused_idempotency_key_is_shown_not_swallowed(client, city, report):
    other = make_task(city, title="青山县的另一项任务", lead_unit=city.qingshan)
    dispatch.open_cycle(cadence=report.cycle.cadence, number=47, now=dt.datetime(2026, 11, 23, 9, tzinfo=TZ))
    second = Report.objects.filter(task=other).first()
    submitted(report, city.county_liaison)
    in_english(client).force_login(city.county_liaison)
    data = {"percent": "10", "progress": "开始", "version": str(second.version), "idempotency_key": "k-1",
            "action": "submit"}  # fmt: skip
    response = client.post(reverse("dispatch:report_detail", args=[second.pk]), data)
    assert response.status_code == 200
    assert "This key was already used for another report." in response.content.decode()
    assert Report.objects.get(pk=second.pk).state == ReportState.PENDING


def test_a_task_content_past_the_limit_is_refused(client, city):
    task = make_task(city, title="原标题")
    client.force_login(city.city_supervisor)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_form(city, content="长" * 20_001))
    assert response.status_code == 200 and response.context["form"].errors["content"]
    assert Task.objects.get(pk=task.pk).content != "长" * 20_001


@pytest.mark.parametrize(
    ("start", "due"),
    [("1899-01-01", "1899-12-31"), ("2026-01-01", "2101-01-01"), ("2026-01-01", "9999-12-31")],
)
def test_dates_outside_1900_to_2100_are_refused(client, city, start, due):
    client.force_login(city.city_supervisor)
    before = Task.objects.count()
    form = task_form(city, start=start, due=due)
    response = client.post(reverse("plans:task_create", args=[city.economy.pk]), form)
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert any(e.code == "date_range" for field in errors.as_data().values() for e in field)
    assert Task.objects.count() == before


# Item 9: every error page is styled, in the interface language, for anyone.


def test_an_anonymous_visitor_gets_the_styled_404_in_chinese(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert is_error_page(response, 404)
    assert '<html lang="zh-hans">' in page and "未找到" in page


def test_a_page_outside_the_users_scope_is_the_styled_404(client, city):
    task = make_task(city, lead_unit=city.qingshan)
    client.force_login(city.outsider)
    assert is_error_page(client.get(reverse("plans:task_detail", args=[task.pk])), 404)


def test_a_role_that_may_not_gets_the_styled_403(client, city):
    task = make_task(city, lead_unit=city.qingshan)
    client.force_login(city.county_liaison)
    response = client.get(reverse("plans:task_edit", args=[task.pk]))
    assert is_error_page(response, 403) and "无权操作" in response.content.decode()


def test_a_get_to_a_post_only_address_is_the_styled_405(client, city):
    client.force_login(city.city_supervisor)
    response = client.get(reverse("notify:notice_read_all"))
    assert is_error_page(response, 405) and response["Allow"] == "POST"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_paste_past_the_upload_limit_is_a_413_that_names_the_limit(client, city):
    in_english(client).force_login(city.city_supervisor)
    response = client.post(reverse("ingest:intake_new"), {"text": "x" * 20_000})
    assert is_error_page(response, 413)
    assert "9.8\xa0KB" in response.content.decode()  # filesizeformat's 10,000 bytes


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_too_many_fields_is_a_styled_400_that_names_the_limit(client, city):
    in_english(client).force_login(city.city_supervisor)
    response = client.post(reverse("ingest:intake_new"), {f"f{i}": "x" for i in range(10)})
    assert is_error_page(response, 400) and "more than 5 fields" in response.content.decode()


def test_an_expired_form_says_so_instead_of_a_bare_csrf_error(city):
    client = in_english(Client(enforce_csrf_checks=True))
    client.force_login(city.city_supervisor)
    response = client.post(reverse("notify:notice_read_all"))
    assert is_error_page(response, 403) and "This form has expired" in response.content.decode()


def test_a_crash_is_the_styled_500_even_when_the_header_cannot_be_built(city, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr("luoshi.web.views._by_list", broken)
    monkeypatch.setattr("luoshi.web.context.policy.reports_for_a_unit", broken)
    client = Client(raise_request_exception=False)
    client.force_login(city.city_supervisor)
    response = client.get(reverse("web:home"))
    assert is_error_page(response, 500)
    assert "出错了" in response.content.decode() or "Something went wrong" in response.content.decode()


def test_the_500_page_falls_back_to_plain_html_when_no_template_renders(rf: RequestFactory, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no templates")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500 and b"<h1>" in response.content


def test_every_status_title_is_marked_for_translation():
    source = Path(errors.__file__).read_text(encoding="utf-8")
    for title in errors.TITLES.values():
        assert f'gettext_noop("{title}")' in source
