"""A report's evidence files can be read by whoever sees the report, and by no one else (issue 9, item 2)."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.core.actions import Action
from luoshi.dispatch import services
from luoshi.dispatch.models import Evidence, Report
from luoshi.plans.history import task_history
from luoshi.testing import make_task, make_weekly_cadence

TZ = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = b"PK\x05\x06" + b"\x00" * 18  # an empty zip archive, as an empty .docx is to the checks

# Who opens a file of 青山镇's report: the same people who see the report (as its page in the matrix).
SEES = {
    "city_supervisor": 200,
    "county_supervisor": 200,
    "county_liaison": 200,
    "county_head": 200,
    "township_liaison": 200,
    "other_township_liaison": 404,  # 龙泉镇, the next township
    "outsider": 404,  # 白沙县
    "department_liaison": 404,
    "leader": 200,
    "admin": 200,
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cycle(city):
    county_task = make_task(city, title="青山县的厂房建设", lead_unit=city.qingshan)
    town = city.qingshan_town
    make_task(city, by=city.county_supervisor, parent=county_task, title="青山镇的厂房", lead_unit=town)
    make_task(city, title="白沙县的农村公路", lead_unit=city.baisha)
    return services.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )


@pytest.fixture
def report(city, cycle):
    """青山镇's report of the week, not sent yet."""
    return Report.objects.get(cycle=cycle, unit=city.qingshan_town)


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def attach(report, by, name="现场照片.pdf", data=PDF, content_type="application/pdf"):
    return services.add_evidence(report=report, by=by, upload=upload(name, data, content_type))


def file_url(evidence, report=None):
    return reverse("dispatch:evidence_file", args=[(report or evidence.report).pk, evidence.pk])


def remove_url(evidence):
    return reverse("dispatch:evidence_remove", args=[evidence.report_id, evidence.pk])


def send(report, by, key, uploads=()):
    current = Report.objects.get(pk=report.pk)
    return services.submit_report(
        report=current,
        by=by,
        data=services.ReportData(percent=60, progress="主体完工"),
        expected_version=current.version,
        idempotency_key=key,
        uploads=list(uploads),
    )


@pytest.mark.parametrize(("persona", "status"), SEES.items())
def test_a_file_opens_for_whoever_sees_its_report_and_is_404_for_everyone_else(
    client, city, report, media, persona, status
):
    evidence = attach(report, city.township_liaison)
    client.force_login(getattr(city, persona))
    response = client.get(file_url(evidence))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_a_signed_out_visitor_is_sent_to_sign_in(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    response = client.get(file_url(evidence))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_file_of_another_report_under_this_reports_address_is_404(client, city, cycle, report, media):
    baisha = Report.objects.get(cycle=cycle, unit=city.baisha)
    theirs = attach(baisha, city.outsider, name="白沙县的台账.pdf")
    client.force_login(city.township_liaison)
    assert client.get(file_url(theirs, report=report)).status_code == 404
    assert client.post(reverse("dispatch:evidence_remove", args=[report.pk, theirs.pk])).status_code == 404
    # Even the city's supervisor, who sees both reports, cannot reach a file through the wrong report.
    client.force_login(city.city_supervisor)
    assert client.get(file_url(theirs)).status_code == 200
    assert client.get(file_url(theirs, report=report)).status_code == 404
    assert Evidence.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("name", "data", "content_type", "disposition"),
    [
        ("现场照片.pdf", PDF, "application/pdf", "inline"),
        ("现场照片.png", PNG, "image/png", "inline"),
        (
            "工作方案.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
    ],
)
def test_pdfs_and_photos_are_shown_and_other_kinds_saved_under_safe_headers(
    client, city, report, media, name, data, content_type, disposition
):
    # The browser's declared type is not what the file is served as: the checked ending is.
    evidence = attach(report, city.township_liaison, name=name, data=data, content_type="text/html")
    client.force_login(city.city_supervisor)
    response = client.get(file_url(evidence))
    assert response.streaming, "a file is streamed, never read whole into memory"
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].split(";")[0] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response["Content-Length"] == str(len(data))
    assert b"".join(response.streaming_content) == data


def test_a_shown_file_can_still_be_downloaded(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    client.force_login(city.city_supervisor)
    response = client.get(file_url(evidence) + "?download")
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_chinese_file_name_reaches_the_browser_encoded_per_rfc_5987(client, city, report, media):
    evidence = attach(report, city.township_liaison, name="青山镇 第46周 现场照片.pdf")
    client.force_login(city.county_supervisor)
    disposition = client.get(file_url(evidence))["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f"filename*=utf-8''{quote('青山镇 第46周 现场照片.pdf')}" in disposition
    disposition.encode("latin-1")  # the header itself is plain ASCII


def test_a_file_gone_from_storage_is_404_not_an_error(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(city.city_supervisor)
    assert client.get(file_url(evidence)).status_code == 404


def test_the_report_page_shows_each_files_type_size_and_uploader(client, city, report, media):
    attach(report, city.township_liaison, name="现场照片.png", data=PNG, content_type="image/png")
    attach(report, city.township_liaison, name="工作方案.docx", data=DOCX)
    client.force_login(city.city_supervisor)
    page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
    assert "现场照片.png" in page and "工作方案.docx" in page
    assert "PNG · 40\xa0字节" in page and "DOCX · 22\xa0字节" in page
    assert page.count("township_liaison") >= 2  # each file names who uploaded it
    assert 'data-testid="evidence-preview"' in page  # the photo is shown on the page itself
    assert "evidence_remove" not in page and "/remove/" not in page  # the office cannot remove files


def test_the_liaison_who_fills_the_report_sees_a_remove_button(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    client.force_login(city.township_liaison)
    page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
    assert remove_url(evidence) in page


@pytest.mark.parametrize("persona", ["township_liaison", "county_liaison", "county_head"])
def test_who_may_fill_the_report_removes_a_file_before_sending_and_it_is_audited(
    client, city, report, media, persona, django_capture_on_commit_callbacks
):
    evidence = attach(report, city.township_liaison)
    path = media / evidence.file.name
    assert path.exists()
    client.force_login(getattr(city, persona))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(evidence))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()
    event = AuditEvent.objects.get(action=Action.REPORT_EVIDENCE_REMOVE)
    assert event.actor_id == getattr(city, persona).pk and event.object_id == str(evidence.pk)
    assert event.before["name"] == "现场照片.pdf"


def test_a_removal_joins_the_tasks_history_and_the_trail_still_verifies(city, report, media):
    evidence = attach(report, city.township_liaison)
    services.remove_evidence(evidence=evidence, by=city.township_liaison)
    assert list(AuditEvent.objects.about(report.task).values_list("action", flat=True))[-2:] == [
        Action.REPORT_EVIDENCE,
        Action.REPORT_EVIDENCE_REMOVE,
    ]
    [entry] = [e for e in task_history(report.task) if e.event.action == Action.REPORT_EVIDENCE_REMOVE]
    assert entry.detail == "现场照片.pdf" and entry.label != Action.REPORT_EVIDENCE_REMOVE
    seal_all()
    assert verify().problems == []


@pytest.mark.parametrize(
    ("persona", "status"), [("city_supervisor", 403), ("leader", 403), ("other_township_liaison", 404)]
)
def test_who_may_not_fill_the_report_cannot_remove_its_files(client, city, report, media, persona, status):
    evidence = attach(report, city.township_liaison)
    client.force_login(getattr(city, persona))
    assert client.post(remove_url(evidence)).status_code == status
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.REPORT_EVIDENCE_REMOVE).exists()


def test_a_file_cannot_be_removed_once_the_report_is_sent(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    send(report, city.township_liaison, "sent-1")
    client.force_login(city.township_liaison)
    response = client.post(remove_url(evidence), follow=True)
    [message] = response.context["messages"]
    assert message.level_tag == "error"
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (media / evidence.file.name).exists()
    assert not AuditEvent.objects.filter(action=Action.REPORT_EVIDENCE_REMOVE).exists()
    page = client.get(reverse("dispatch:report_detail", args=[report.pk])).content.decode()
    assert remove_url(evidence) not in page


def test_removal_is_a_post(client, city, report, media):
    evidence = attach(report, city.township_liaison)
    client.force_login(city.township_liaison)
    assert client.get(remove_url(evidence)).status_code == 405
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_sending_the_same_file_again_after_a_return_stores_it_once(city, report, media):
    photo = ("现场照片.pdf", PDF)
    send(report, city.township_liaison, "first", [upload(*photo)])
    services.return_report(
        report=Report.objects.get(pk=report.pk), by=city.county_supervisor, comment="请补充进度说明"
    )
    # The liaison sends the report again, with the same photo chosen once more and a new one.
    send(report, city.township_liaison, "second", [upload(*photo), upload("验收单.pdf", PDF + b"2")])
    assert sorted(report.evidence.values_list("name", flat=True)) == ["现场照片.pdf", "验收单.pdf"]
    assert len(list(media.rglob("*.pdf"))) == 2
    assert AuditEvent.objects.filter(action=Action.REPORT_EVIDENCE).count() == 2


def test_the_same_file_twice_in_one_draft_is_stored_once(city, report, media):
    services.save_draft(
        report=report,
        by=city.township_liaison,
        data=services.ReportData(percent=None, progress=""),
        expected_version=report.version,
        uploads=[upload("照片.pdf", PDF), upload("照片（副本）.pdf", PDF)],
    )
    assert list(report.evidence.values_list("name", flat=True)) == ["照片.pdf"]
    assert len(list(media.rglob("*.pdf"))) == 1
