"""The intake page refuses a zip bomb on its form: no error page, no draft (issue 8, item 2)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ingest.models import ImportDraft
from luoshi.text.tests import zipbombs


def post(client, city, name, data):
    client.force_login(city.city_supervisor)
    upload = SimpleUploadedFile(name, data)
    return client.post(reverse("ingest:intake_new"), {"plan": city.plan.pk, "file": upload})


def test_a_docx_that_would_unpack_to_hundreds_of_mb_is_refused_on_the_form(client, city):
    response = post(client, city, "炸弹.docx", zipbombs.inflating(300))
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "炸弹.docx" in error and "100 MB" in error
    assert not ImportDraft.objects.exists() and not AuditEvent.objects.filter(action="ingest.draft").exists()


def test_a_docx_with_the_billion_laughs_is_refused_on_the_form(client, city):
    response = post(client, city, "笑声.docx", zipbombs.laughing())
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "笑声.docx" in error and "word/document.xml" in error
    assert not ImportDraft.objects.exists()


def test_the_limits_come_from_the_settings(client, city, settings):
    settings.LUOSHI_ZIP_MAX_XML_BYTES, settings.LUOSHI_ZIP_MAX_RATIO = 1024 * 1024, 10**6
    big = [zipbombs.W, b"<w:p/>" * 400_000, b"</w:body></w:document>"]
    response = post(client, city, "长文.docx", zipbombs.replaced(zipbombs.word(), "word/document.xml", big))
    [error] = response.context["form"].errors["file"]
    assert "长文.docx" in error and "1 MB" in error and "word/document.xml" in error


def test_a_word_document_within_the_limits_is_read(client, city):
    docx = zipbombs.with_chart(zipbombs.word("一、加快推进青山县工业园区标准化厂房建设，年底前建成投用。"))
    response = post(client, city, "方案.docx", docx)
    assert response.status_code == 302 and "工业园区" in ImportDraft.objects.get().raw_text
