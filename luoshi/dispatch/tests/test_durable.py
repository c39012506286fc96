"""Writes that cannot half-happen: a report and its evidence files commit together or not at all."""

import datetime as dt
import errno

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services
from luoshi.dispatch.models import Evidence, Report, ReportState, Submission
from luoshi.dispatch.services import ReportData
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
GOOD = ReportData(percent=60, progress="主体完工，累计完成投资2.3亿元。")


class FillsUpAfterOneFile(FileSystemStorage):
    """A disk that takes one file and is then full."""

    def __init__(self, **options):
        super().__init__(**options)
        self.taken = 0

    def _save(self, name, content):
        if self.taken:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.taken += 1
        return super()._save(name, content)


@pytest.fixture
def media(settings, tmp_path):
    """An empty storage for this test's files, to look into afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


@pytest.fixture
def report(city):
    make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    cadence = make_weekly_cadence(city)
    cycle = services.open_cycle(cadence=cadence, number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ))
    return cycle.reports.get()


def pdf(name="现场照片.pdf"):
    # Each name its own content: the same content twice in one report is kept once.
    return SimpleUploadedFile(name, f"%PDF-1.7 {name}".encode(), content_type="application/pdf")


def fake_png():
    return SimpleUploadedFile("照片.png", b"MZ\x90\x00 not an image", content_type="image/png")


def submit(report, by, **extra):
    return services.submit_report(
        report=report, by=by, data=GOOD, expected_version=1, idempotency_key="k-1", **extra
    )


def test_a_submit_inside_another_transaction_fails_loudly(city, report):
    # Only the outermost transaction commits; a caller's block would make "sent" a promise it can break.
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        submit(report, city.county_liaison)
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        services.save_draft(report=report, by=city.county_liaison, data=GOOD, expected_version=1)
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        services.add_evidence(report=report, by=city.county_liaison, upload=pdf())
    assert not Submission.objects.exists() and not Evidence.objects.exists()


def test_a_replayed_submit_inside_another_transaction_fails_loudly_too(city, report):
    submit(report, city.county_liaison)
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        submit(report, city.county_liaison)


def test_files_sent_with_a_report_are_stored_with_it(city, report, media):
    sent = submit(report, city.county_liaison, uploads=[pdf("一.pdf"), pdf("二.pdf")])
    assert sent.state == ReportState.SUBMITTED
    assert sorted(e.name for e in sent.evidence.all()) == ["一.pdf", "二.pdf"]
    assert stored(media) == ["一.pdf", "二.pdf"]
    assert AuditEvent.objects.filter(action="report.evidence").count() == 2


def test_a_double_submit_with_files_stores_them_once(city, report, media):
    submit(report, city.county_liaison, uploads=[pdf()])
    again = submit(report, city.county_liaison, uploads=[pdf()])
    assert again.evidence.count() == 1 and Submission.objects.count() == 1
    assert stored(media) == ["现场照片.pdf"]


def test_a_failed_submission_leaves_no_file_in_storage(city, report, media):
    with pytest.raises(ValidationError) as err:
        services.submit_report(
            report=report,
            by=city.county_liaison,
            data=ReportData(percent=None, progress="主体完工"),
            expected_version=1,
            idempotency_key="k-1",
            uploads=[pdf(), fake_png()],
        )
    assert set(err.value.message_dict) == {"percent", "evidence"}
    assert stored(media) == [] and not Evidence.objects.exists()


def test_a_disk_that_fills_up_on_the_second_file_leaves_neither_the_first_file_nor_a_row(
    city, report, media, settings
):
    backend = f"{__name__}.{FillsUpAfterOneFile.__name__}"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    with pytest.raises(OSError, match="No space"):
        submit(report, city.county_liaison, uploads=[pdf("一.pdf"), pdf("二.pdf")])
    assert stored(media) == []  # the first file was stored, then taken back out
    assert not Evidence.objects.exists() and not Submission.objects.exists()
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def page(report):
    return reverse("dispatch:report_detail", args=[report.pk])


def form(report, **extra):
    fields = {"percent": "60", "progress": "主体完工", "version": str(report.version)}
    return {**fields, "idempotency_key": "key-1", "action": "submit", **extra}


def test_a_submission_missing_its_percent_leaves_no_file_in_storage(client, city, report, media):
    client.force_login(city.county_liaison)
    response = client.post(page(report), form(report, percent="", evidence=[pdf()]))
    assert "percent" in response.context["form"].errors
    assert stored(media) == [] and not Evidence.objects.exists()
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def test_a_bad_second_file_leaves_the_good_first_one_out_of_storage(client, city, report, media):
    client.force_login(city.county_liaison)
    response = client.post(page(report), form(report, evidence=[pdf(), fake_png()]))
    assert "内容与其文件类型不符" in str(response.context["form"].errors["evidence"])
    assert stored(media) == [] and not Evidence.objects.exists()
    assert not Submission.objects.exists()


def test_a_stale_draft_with_a_file_leaves_no_file_in_storage(client, city, report, media):
    client.force_login(city.county_liaison)
    stale = form(report, action="draft")
    assert client.post(page(report), stale).status_code == 302
    response = client.post(page(report), {**stale, "evidence": [pdf()]})
    assert "他人已修改了该报告" in str(response.context["form"].non_field_errors())
    assert stored(media) == [] and not Evidence.objects.exists()


def test_a_draft_keeps_its_files_and_the_submit_after_it_keeps_them_too(client, city, report, media):
    client.force_login(city.county_liaison)
    assert client.post(page(report), form(report, action="draft", evidence=[pdf()])).status_code == 302
    draft = Report.objects.get(pk=report.pk)
    assert client.post(page(report), form(draft)).status_code == 302
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    assert [e.name for e in Evidence.objects.all()] == ["现场照片.pdf"]
    assert stored(media) == ["现场照片.pdf"]
