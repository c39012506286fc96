"""The intake reads the formats offices receive, or says why not in the interface language (issue 10, 5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ingest.models import ImportDraft
from luoshi.text.tests import documents, zipbombs

WRAPPED = "（一）实施城市更新行动，改造老旧小区30个，6月底前完成，由市住房城乡建设局牵头。"


def post(client, city, name, data):
    client.force_login(city.city_supervisor)
    upload = SimpleUploadedFile(name, data)
    return client.post(reverse("ingest:intake_new"), {"plan": city.plan.pk, "file": upload})


def refusal(client, city, name, data):
    """The one error the page shows on the file field; the page answers 200 and nothing is written."""
    response = post(client, city, name, data)
    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert not ImportDraft.objects.exists() and not AuditEvent.objects.filter(action="ingest.draft").exists()
    return error


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("工作方案.pdf", documents.pdf()),
        ("工作方案.pdf", documents.pdf(compressed=False)),
        ("工作方案.txt", documents.pdf(compressed=False)),  # a PDF is read as one whatever its name says
        ("工作方案.ofd", documents.ofd()),
    ],
)
def test_a_pdf_or_an_ofd_becomes_a_draft_of_its_text(client, city, name, data):
    response = post(client, city, name, data)
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert draft.source_name == name and WRAPPED in draft.raw_text.splitlines()
    assert "%PDF" not in draft.raw_text and "obj" not in draft.raw_text
    assert any("老旧小区" in item["text"] for item in draft.items if item["kind"] in ("task", "target"))


def test_a_partly_scanned_pdf_is_drafted_from_its_text_and_the_review_names_the_pages_not_read(client, city):
    first, second = documents.PAGES
    data = documents.partly_scanned([first, None, second, None, None, ["三、保障措施", *second[1:]]])
    response = post(client, city, "部分扫描.pdf", data)
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert draft.pages_without_text == [2, 4, 5]
    assert WRAPPED in draft.raw_text.splitlines()
    assert any("老旧小区" in r.text for r in draft.rows.all())
    event = AuditEvent.objects.get(action="ingest.draft")
    assert event.after["pages_without_text"] == [2, 4, 5]
    page = client.get(response["Location"]).content.decode()
    assert "第2、4–5页没有文字层（扫描页），其中内容未能读取" in page


def test_a_pdf_with_text_on_every_page_gives_no_warning(client, city):
    response = post(client, city, "工作方案.pdf", documents.pdf())
    draft = ImportDraft.objects.get()
    assert draft.pages_without_text == []
    assert 'data-testid="unread-pages"' not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "扫描件.pdf",
            documents.scanned(),
            "“扫描件.pdf”是扫描件，没有文字层，无法读取文字。请另存为带文字的PDF或.docx后上传",
        ),
        ("加密.pdf", documents.encrypted(documents.pdf()), "“加密.pdf”设有打开密码，系统无法读取。"),
        ("截断.pdf", documents.pdf()[:900], "“截断.pdf”已损坏，无法作为PDF文件打开。"),
        ("坏文件.ofd", documents.ofd(parts={"Doc_0/Pages/Page_0/Content.xml": b"<ofd:Page"}), "“坏文件.ofd”"),
        (
            "缺页.ofd",
            documents.replaced_part(
                documents.ofd(), "Doc_0/Document.xml", lambda x: x.replace(b"Page_1", b"Page_9")
            ),
            "“缺页.ofd”已损坏，无法作为OFD文件打开。",
        ),
        ("扫描件.ofd", documents.ofd(pages=[[]]), "“扫描件.ofd”是扫描件，没有文字层"),
        (
            "通知.doc",
            documents.OLE + bytes(2048),
            "“通知.doc”是.doc格式，系统无法读取。请用WPS或Word打开，另存为.docx或带文字的PDF后再上传。",
        ),
        ("通知.wps", documents.OLE + bytes(2048), "“通知.wps”是.wps格式，系统无法读取。"),
        ("数据.txt", bytes(range(256)) * 8, "“数据.txt”既不是文本，也不是系统能读取的文档。"),
        ("方案.docx", b"PK\x03\x04 cut off here", "“方案.docx”已损坏，无法作为.docx文件打开。"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_chinese_saying_what_to_do(
    client, city, name, data, expected
):
    error = refusal(client, city, name, data)
    assert error.startswith(expected), error
    assert "BadZipFile" not in error and "binary" not in error


def test_an_ofd_zip_bomb_is_refused_by_the_archive_limits(client, city):
    blank = b" " * (1024 * 1024)
    padding = [b"<a>", *(blank for _ in range(300)), b"</a>"]
    bomb = zipbombs.replaced(documents.ofd(), "Doc_0/Res/padding.xml", padding, level=1)
    assert len(bomb) < 2 * 1024 * 1024
    error = refusal(client, city, "炸弹.ofd", bomb)
    assert "炸弹.ofd" in error and "100 MB" in error


def test_an_ofd_with_the_billion_laughs_is_refused_naming_the_part(client, city):
    error = refusal(client, city, "笑声.ofd", documents.ofd(parts={"Doc_0/Document.xml": zipbombs.LAUGHS}))
    assert "笑声.ofd" in error and "Doc_0/Document.xml" in error


def test_the_refusal_speaks_english_to_a_user_who_chose_it(client, city):
    client.cookies["django_language"] = "en"
    error = refusal(client, city, "scan.pdf", documents.scanned())
    assert error.startswith(
        "“scan.pdf” is a scan with no text layer, so there is no text to read. Save it as a PDF"
    )


def test_the_upload_field_offers_pdf_and_ofd(client, city):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("ingest:intake_new")).content.decode()
    assert 'accept=".pdf,.ofd,.docx,.txt,.html,.htm"' in page
    assert "支持带文字的PDF、OFD、.docx" in page
