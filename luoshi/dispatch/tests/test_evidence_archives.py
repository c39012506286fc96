"""A report's evidence refuses a zip bomb on its form, and nothing is stored (issue 8, item 2)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.core.attachments import upload_errors
from luoshi.dispatch import services
from luoshi.dispatch.models import Evidence, Report, ReportState, Submission
from luoshi.testing import make_task, make_weekly_cadence
from luoshi.text.tests import zipbombs

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def report(city):
    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    return cycle.reports.get()


def form(report, **extra):
    fields = {"percent": "60", "progress": "主体完工", "version": str(report.version)}
    return {**fields, "idempotency_key": "key-1", "action": "submit", **extra}


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


def test_a_zip_bomb_as_evidence_is_refused_on_the_form_and_nothing_is_stored(client, city, report, media):
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    response = client.post(url, form(report, evidence=[upload("照片汇总.docx", zipbombs.inflating(300))]))
    assert response.status_code == 200
    [error] = response.context["form"].errors["evidence"]
    assert "照片汇总.docx" in error and "100 MB" in error
    assert stored(media) == [] and not Evidence.objects.exists() and not Submission.objects.exists()
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def test_a_workbook_of_a_hundred_thousand_parts_is_refused_as_a_draft_too(client, city, report, media):
    client.force_login(city.county_liaison)
    url = reverse("dispatch:report_detail", args=[report.pk])
    crowd = upload("台账.xlsx", zipbombs.crowded(100_000))
    response = client.post(url, form(report, action="draft", evidence=[crowd]))
    assert "台账.xlsx" in str(response.context["form"].errors["evidence"])
    assert "10000" in str(response.context["form"].errors["evidence"])
    assert stored(media) == [] and Report.objects.get(pk=report.pk).version == report.version


def test_nested_and_laughing_archives_are_refused_and_a_word_file_with_a_chart_is_taken(db, settings):
    nested = zipbombs.wrapped(zipbombs.wrapped(zipbombs.word(), "b.docx"), "a.zip")
    errors = upload_errors([upload("套娃.docx", nested), upload("笑声.docx", zipbombs.laughing())])
    assert len(errors) == 2 and "套娃.docx" in errors[0] and "a.zip/b.docx" in errors[0]
    assert "笑声.docx" in errors[1] and "word/document.xml" in errors[1]
    assert upload_errors([upload("图表.docx", zipbombs.with_chart(zipbombs.word()))]) == []


def test_a_large_workbook_is_stored_though_its_sheet_is_larger_than_a_document_may_be(db, settings):
    settings.LUOSHI_ZIP_MAX_XML_BYTES = 1024  # evidence is stored, never parsed: no XML part limit
    sheet = [b"<worksheet>", b"".join(b"<row r='%d'/>" % i for i in range(5000)), b"</worksheet>"]
    book = zipbombs.replaced(
        zipbombs.wrapped(b"<workbook/>", "xl/workbook.xml"), "xl/worksheets/sheet1.xml", sheet
    )
    assert upload_errors([upload("台账.xlsx", book)]) == []
