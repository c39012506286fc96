"""The spreadsheet import's pages: upload, review the dry run, correct a column and a unit, import; a large
file checked and imported by the worker; bad files answered on the page with nothing written."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from luoshi.audit.models import AuditEvent
from luoshi.ingest import sheet_imports
from luoshi.ingest.models import SheetImport
from luoshi.plans.models import Task
from luoshi.text.tests import task_sheets


def _book(*rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "清单"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, city, data, name="任务.xlsx"):
    url = reverse("ingest:sheet_upload", args=[city.economy.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _review(imp):
    return reverse("ingest:sheet_review", args=[imp.pk])


UNMAPPED = (["序号", "事项内容", "单位", "完成时限"], [1, "推进老旧小区改造", "火星局", "6月底前"])


def test_a_supervisor_corrects_a_column_chooses_a_unit_and_imports(client, city):
    client.force_login(city.city_supervisor)
    response = _upload(client, city, _book(*UNMAPPED))
    imp = SheetImport.objects.get()
    assert response.status_code == 302 and response.url == _review(imp)
    page = client.get(response.url).content.decode()
    assert (
        'data-testid="sheet-problem"' in page
        and "disabled" in page.split('data-testid="sheet-commit"')[1][:40]
    )
    # The task column and the unit column were not recognised: say which they are.
    client.post(_review(imp), {"action": "check", "role-0-B": "task", "role-0-C": "lead"})
    imp.refresh_from_db()
    assert (imp.mapping["清单"]["B"], imp.mapping["清单"]["C"]) == ("task", "lead")
    assert [n["name"] for n in imp.preview["named"]] == ["火星局"] and imp.blocking == 1
    client.post(
        _review(imp), {"action": "check", "role-0-B": "task", "role-0-C": "lead", "unit-0": city.baisha.pk}
    )
    imp.refresh_from_db()
    assert imp.may_commit and imp.choices == {"火星局": city.baisha.pk}
    response = client.post(_review(imp), {"action": "commit"})
    assert response.url == reverse("plans:task_list") + f"?list={city.economy.pk}"
    [task] = Task.objects.filter(task_list=city.economy, title="推进老旧小区改造")
    assert task.lead_unit == city.baisha
    imp.refresh_from_db()
    assert (imp.state, imp.tasks_created, bytes(imp.data)) == (SheetImport.State.DONE, 1, b"")
    actions = list(
        AuditEvent.objects.filter(action__startswith="ingest.sheet").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["ingest.sheet_upload", "ingest.sheet_check", "ingest.sheet_check", "ingest.sheet_import"]
    )
    # Imported once: a second commit is refused and creates nothing.
    client.post(_review(imp), {"action": "commit"})
    assert Task.objects.filter(title="推进老旧小区改造").count() == 1


def test_only_whoever_may_add_tasks_to_the_list_may_upload(client, city):
    client.force_login(city.county_supervisor)  # 青山县's office: the city's list is not theirs
    data = _book(["序号", "重点任务", "牵头单位", "完成时限"], [1, "推进老旧小区改造", "火星局", "6月底前"])
    plan_list = city.economy
    url = reverse("ingest:sheet_upload", args=[plan_list.pk])
    assert client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)}).status_code in (403, 404)


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"%PDF-1.7", "a.xlsx", "is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "password"),
        ("序号,重点任务\n1,甲\n".encode("utf-16"), "a.csv", "UTF-8 or GB18030"),
        (b"anything", "a.docx", "only .xlsx or .csv"),
        (_book(), "a.xlsx", "The sheet is empty"),
        (
            _book(["序号", "重点任务", "牵头单位"], ["=ROW()-1", "推进老旧小区改造", "青山县"]),
            "a.xlsx",
            "formula",
        ),
        (task_sheets.with_cached_values(task_sheets.ledger_table()), "a.xlsx", ""),
    ],
)
def test_a_bad_file_is_answered_on_the_upload_page_and_nothing_is_kept(
    client, city, data, name, words, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(city.city_supervisor)
    before = AuditEvent.objects.count(), Task.objects.count()
    response = _upload(client, city, data, name)
    if not words:  # a good file, for contrast
        assert response.status_code == 302
        return
    assert response.status_code == 200 and words in response.content.decode()
    assert not SheetImport.objects.exists() and (AuditEvent.objects.count(), Task.objects.count()) == before


def test_a_large_file_is_checked_and_imported_by_the_worker(
    client, city, huey_inline, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(sheet_imports, "LARGE_BYTES", 0)
    monkeypatch.setattr(sheet_imports, "LARGE_ROWS", 0)
    client.force_login(city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _upload(client, city, task_sheets.division_table())
    imp = SheetImport.objects.get()
    assert imp.state == SheetImport.State.CHECKING and imp.preview == {}
    progress = client.get(reverse("ingest:sheet_progress", args=[imp.pk]))
    assert 'hx-trigger="every 1s"' in progress.content.decode() and "HX-Refresh" not in progress
    for callback in queued:  # the commit's callbacks: the job is queued, and the worker runs it
        callback()
    imp.refresh_from_db()
    assert imp.state == SheetImport.State.CHECKED and imp.rows == 5
    assert client.get(reverse("ingest:sheet_progress", args=[imp.pk]))["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review(imp), {"action": "commit"})
    imp.refresh_from_db()
    assert imp.state == SheetImport.State.DONE and imp.tasks_created == 5
    assert Task.objects.filter(task_list=city.economy, lead_unit=city.fgw).count() >= 1


def test_the_rows_are_paged(client, city, monkeypatch):
    monkeypatch.setattr("luoshi.ingest.sheet_views.ROWS_PER_PAGE", 2)
    client.force_login(city.city_supervisor)
    _upload(client, city, task_sheets.division_table())
    imp = SheetImport.objects.get()
    first = client.get(_review(imp)).content.decode()
    last = client.get(_review(imp) + "?page=3").content.decode()
    assert first.count('data-testid="sheet-row"') == 2 and last.count('data-testid="sheet-row"') == 1


def test_another_office_cannot_see_or_touch_an_import(client, city):
    client.force_login(city.city_supervisor)
    _upload(client, city, task_sheets.division_table())
    imp = SheetImport.objects.get()
    client.force_login(city.outsider)
    assert client.get(_review(imp)).status_code == 404
    assert client.post(_review(imp), {"action": "commit"}).status_code == 404
    client.force_login(city.county_liaison)
    assert client.post(_review(imp), {"action": "commit"}).status_code in (403, 404)
    assert not Task.objects.filter(
        task_list=city.economy, lead_unit=city.fgw, title__contains="一网通办"
    ).exists()


def test_the_task_list_offers_the_import_to_whoever_may_add_tasks(client, city):
    client.force_login(city.city_supervisor)
    page = client.get(reverse("plans:task_list") + f"?list={city.economy.pk}").content.decode()
    assert reverse("ingest:sheet_upload", args=[city.economy.pk]) in page
    client.force_login(city.county_liaison)
    page = client.get(reverse("plans:task_list") + f"?list={city.economy.pk}").content.decode()
    assert reverse("ingest:sheet_upload", args=[city.economy.pk]) not in page


def test_a_role_or_unit_not_offered_is_refused_and_nothing_changes(client, city, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(city.city_supervisor)
    _upload(client, city, _book(*UNMAPPED))
    imp = SheetImport.objects.get()
    client.post(_review(imp), {"action": "check", "role-0-C": "lead"})
    imp.refresh_from_db()
    assert [n["name"] for n in imp.preview["named"]] == ["火星局"]
    kept = imp.mapping, imp.choices, AuditEvent.objects.count()
    for sent in ({"role-0-B": "salary"}, {"unit-0": str(10**9)}, {"unit-0": "1e3"}, {"unit-0": "9" * 40}):
        response = client.post(_review(imp), {"action": "check", "role-0-C": "lead", **sent}, follow=True)
        assert "from the list" in response.content.decode()
        imp.refresh_from_db()
        assert (imp.mapping, imp.choices, AuditEvent.objects.count()) == kept


def test_the_worker_stops_when_the_importer_lost_the_right_and_the_page_says_why(city, monkeypatch):
    monkeypatch.setattr(sheet_imports, "LARGE_BYTES", 0)
    imp = sheet_imports.upload(
        task_list=city.economy, by=city.city_supervisor, name="a.xlsx", data=task_sheets.division_table()
    )
    city.city_supervisor.role = "liaison"
    city.city_supervisor.save(update_fields=["role"])
    imp = sheet_imports.run_check(imp.pk)
    assert imp.state == SheetImport.State.FAILED and imp.error and not imp.is_busy


def test_the_unit_meant_by_a_name_is_searched_among_many_units_within_scope(client, city, monkeypatch):
    from luoshi.core import forms as core_forms

    monkeypatch.setattr(core_forms, "LISTED_CHOICES", 1)  # searched, not listed, as a province's units are
    client.force_login(city.city_supervisor)
    _upload(
        client,
        city,
        _book(["序号", "重点任务", "牵头单位", "完成时限"], [1, "推进老旧小区改造", "火星局", "6月底前"]),
    )
    imp = SheetImport.objects.get()
    assert [n["name"] for n in imp.preview["named"]] == ["火星局"]
    page = client.get(_review(imp)).content.decode()
    assert 'data-choices="unit-0"' in page and "白沙县</option>" not in page
    answer = client.get(_review(imp), {"choices": "unit-0", "find": "县"}).json()
    assert [o["label"] for o in answer["options"]] == ["\u3000青山县", "\u3000白沙县"]
    assert client.get(_review(imp), {"choices": "unit-1", "find": "县"}).status_code == 404
    client.force_login(city.county_supervisor)  # another office: not its import
    assert client.get(_review(imp), {"choices": "unit-0", "find": "县"}).status_code in (403, 404)
