"""Every form, fed hostile input, answers without a 5xx and refuses without writing half of anything.

The forms are found, not listed: every URL pattern is requested (the patterns come from the resolver, so a
new page is covered the day it is added) as a person who may use it, every form on the answer is parsed,
and each field is sent, one at a time, something hostile while the others keep a valid value: huge text,
NUL bytes, invalid UTF-8, markup, numbers out of range, impossible dates. Then all fields at once. A POST
address that no page links to gets a hostile POST of its own.

A request is refused when it answers 4xx, shows its form again with errors, or leaves an error message;
a refused request must write no row of any table (on PostgreSQL, not even change one), nor an audit event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from luoshi.api.services import create_token
from luoshi.assessment.tests import worlds as asm
from luoshi.bulletins.tests import worlds as bl
from luoshi.challenges.tests import worlds as ch
from luoshi.core import clock
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import Report
from luoshi.ingest import sheet_imports
from luoshi.ingest.services import create_draft
from luoshi.meetings.tests import matrix_world as mt
from luoshi.notify import egress, outbound
from luoshi.notify.ladder import install_default_ladder
from luoshi.notify.models import EscalationStep
from luoshi.notify.services import add_outbound_webhook, add_webhook, notify
from luoshi.orgs.models import UnitAlias
from luoshi.plans.deliveries import submit_contribution, submit_delivery
from luoshi.plans.services import MilestoneSpec
from luoshi.supervision.tests import matrix_world as sv
from luoshi.testing import footprint, make_task, make_unit, make_user, make_weekly_cadence
from luoshi.text.tests import task_sheets

TZ = dt.timezone(dt.timedelta(hours=8))
SCRIPT = '<script>alert("x")</script>'
HOSTILE: dict[str, Any] = {
    "huge": "长" * 25_000,  # past every text limit but the pasted document's
    "nul": "正常\x00文字",
    "bad_utf8": b"\xff\xfe\xc3\x28\xa0\xa1",
    "markup": SCRIPT + '"><img src=x onerror=alert(1)>',
    "overflow": str(10**30),
    "negative": "-1",
    "not_a_number": "NaN",
    "far_date": "9999-12-31",
    "old_date": "0001-01-01",
    "no_such_date": "2026-02-30",
}
# What each kind of input is sent (all of them go to hidden fields, which a hostile client edits too).
KINDS = {
    "text": ("huge", "nul", "bad_utf8", "markup"),
    "number": ("overflow", "negative", "not_a_number"),
    "date": ("far_date", "old_date", "no_such_date", "overflow"),
    "choice": ("overflow", "negative", "markup", "bad_utf8"),
    "check": ("markup",),
    "hidden": tuple(HOSTILE),
}
# Not walked: Django's own admin, and signing out (it would end the walk's session).
SKIPPED = ("admin:", "logout", "accounts:sign_out_everywhere")
# Where a failure is recorded on purpose: a failed sign-in (it counts towards the lockout and is audited),
# a robot's test message that did not arrive (its delivery is logged).
RECORDS_REFUSALS = ("login", "notify:robot_test")


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name: (kind, valid values)
    htmx: bool = False  # sent by htmx (its answer is a part of the page), as well as without JavaScript


@pytest.fixture(autouse=True)
def hook_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The outbound webhooks' receivers (the outside world): a replay reaches them."""
    monkeypatch.setattr(outbound.egress, "post", lambda *a, **k: egress.Answer(204, "No Content", b"", ""))


@pytest.fixture
def world(city: Any) -> dict[str, Any]:
    """One of everything a URL can point at, inside 青山县's scope."""
    install_default_ladder(EscalationStep)  # a browser test's flush may have taken the migration's away
    task = make_task(
        city,
        title="青山县的厂房建设",
        owner=city.county_head,
        milestones=[MilestoneSpec("主体封顶", dt.date(2026, 9, 30), 70)],
    )
    road = make_task(city, title="青山县的道路建设")
    make_task(city, title="青山县的园区建设")
    cycle = dispatch.open_cycle(
        cadence=make_weekly_cadence(city), number=46, now=dt.datetime(2026, 11, 16, 9, tzinfo=TZ)
    )
    pending, to_return, to_accept = Report.objects.filter(cycle=cycle, unit=city.qingshan).order_by("pk")[:3]
    for number, sent in enumerate((to_return, to_accept)):
        dispatch.submit_report(
            report=sent,
            by=city.county_liaison,
            data=dispatch.ReportData(percent=50, progress="过半"),
            expected_version=sent.version,
            idempotency_key=f"world-{number}",
        )
    photo = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.7 walk", content_type="application/pdf")
    evidence = dispatch.add_evidence(report=pending, by=city.county_liaison, upload=photo)
    draft = create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="通知.txt",
        raw_text="一、推进青山县工业园区建设，青山县负责，2026年6月底前完成。\n二、全年新增就业1000人。",
    )  # fmt: skip
    notice = notify(recipients=[city.city_supervisor], kind="test", title="通知", body="内容")[0]
    robot = add_webhook(
        unit=city.qingshan, platform="dingtalk", url="https://oapi.dingtalk.com/robot/send?access_token=t",
        by=city.city_supervisor,
    )  # fmt: skip
    hook = add_outbound_webhook(
        unit=city.qingshan, url="https://hooks.example.com/in", events=["task.red"], by=city.city_supervisor
    )
    (hook_delivery,) = outbound.emit("task.red", unit=city.qingshan, data={"task": {"id": task.pk}})
    sv.build(city, (city.qingshan,))
    mt.build(city, (city.qingshan_town,))
    sv.build_inspections(city, (city.qingshan,))
    sv.build_accountability(city, (city.qingshan,))
    return {
        "task": task,
        "milestone": task.milestones.first(),
        "delivery": submit_delivery(task=road, by=city.county_liaison, statement="道路已通车"),
        "pending": pending,
        "evidence": evidence,
        "to_return": to_return,
        "to_accept": to_accept,
        "cycle": cycle,
        "draft": draft,
        "sheet_import": sheet_imports.upload(  # a spreadsheet in review, its file kept
            task_list=city.economy, by=city.city_supervisor, name="台账.xlsx", data=task_sheets.ledger_table()
        ),
        "notice": notice,
        "robot": robot,
        "hook": hook,
        "hook_delivery": hook_delivery,
        "spare": make_unit("青山县工业园", "park", city.qingshan),  # to edit, move and deactivate
        "leaver": make_user("qingshan.leaver", "liaison", city.qingshan),  # to edit and deactivate
        **_shared(city),
        "rung": EscalationStep.objects.order_by("order").last(),  # to edit and delete
        "alias": UnitAlias.objects.create(alias="青山", unit=city.qingshan),  # to remove
        "token": create_token(  # the supervisor's personal API token, to revoke
            by=city.city_supervisor, name="同步", expires_on=clock.today() + dt.timedelta(days=30)
        )[0],
        **ch.hostile_world(city),  # 揭榜挂帅: the city's calls in each state, with 青山县's applications
        **asm.hostile_world(city),  # 考核: the city's system with a run
        **bl.hostile_world(city),  # 通报: the city's draft on 青山县
    }


def _shared(city: Any) -> dict[str, Any]:
    """A task with 市发展改革委 as co-unit, and the department's contribution to it with a file."""
    shared = make_task(city, title="青山县的园区配套", co_units=[city.fgw])
    pdf = SimpleUploadedFile("配合情况.pdf", b"%PDF-1.7 walk", content_type="application/pdf")
    contribution = submit_contribution(
        task=shared, unit=city.fgw, by=city.department_liaison, statement="完成供地", uploads=[pdf]
    )
    return {"shared": shared, "shared_file": contribution.files.get()}


def _api_samples(w: dict[str, Any]) -> dict[str, tuple[str, dict[str, int]]]:
    """The REST API's endpoints, any object: a page session gets 401 before any lookup (the API's own
    tests send tokens and JSON)."""
    from django.urls import URLResolver, get_resolver

    from luoshi.api.endpoints import api

    document = api.get_openapi_schema(path_prefix="")["paths"]
    found = {}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for pattern in entry.url_patterns:
                route = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
                params = re.findall(r"{(\w+)}", route)
                if route in document and params:
                    found[f"api:{pattern.name}"] = ("city_supervisor", dict.fromkeys(params, w["task"].pk))
    return found


# URL pattern name: (persona, its arguments). A pattern with arguments must be here, or the walk fails
# and says so; a pattern without arguments is walked as the city's supervisor unless named.
def samples(city: Any, w: dict[str, Any]) -> dict[str, tuple[str, dict[str, int]]]:
    boss = "city_supervisor"
    in_evidence = {"pk": w["pending"].pk, "evidence_pk": w["evidence"].pk}
    in_shared_file = {"pk": w["shared"].pk, "file_pk": w["shared_file"].pk}
    return _api_samples(w) | {
        "login": ("", {}),
        "plans:task_detail": (boss, {"pk": w["task"].pk}),
        "plans:task_edit": (boss, {"pk": w["task"].pk}),
        "plans:task_deadline": (boss, {"pk": w["task"].pk}),
        "plans:task_cancel": (boss, {"pk": w["task"].pk}),
        "plans:milestone_add": (boss, {"task_pk": w["task"].pk}),
        "plans:task_create": (boss, {"list_pk": city.economy.pk}),
        "plans:task_decompose": (
            "county_supervisor",
            {"list_pk": city.economy.pk, "parent_pk": w["task"].pk},
        ),
        "plans:milestone_edit": (boss, {"pk": w["milestone"].pk}),
        "plans:milestone_delete": (boss, {"pk": w["milestone"].pk}),
        "plans:milestone_confirm": (boss, {"pk": w["milestone"].pk}),
        "plans:delivery_submit": ("county_liaison", {"pk": w["task"].pk}),
        "plans:contribution_submit": ("department_liaison", {"pk": w["shared"].pk}),
        "plans:delivery_file": ("department_liaison", in_shared_file),
        "plans:delivery_file_remove": ("department_liaison", in_shared_file),  # after the file's own address
        "plans:delivery_accept": (boss, {"pk": w["delivery"].pk}),
        "plans:delivery_reject": (boss, {"pk": w["delivery"].pk}),
        "dispatch:report_detail": ("county_liaison", {"pk": w["pending"].pk}),
        "dispatch:report_return": (boss, {"pk": w["to_return"].pk}),
        "dispatch:report_accept": (boss, {"pk": w["to_accept"].pk}),
        "dispatch:report_approve": ("county_head", {"pk": w["to_accept"].pk}),
        "dispatch:evidence_file": ("county_liaison", in_evidence),
        "dispatch:evidence_remove": ("county_liaison", in_evidence),
        "dispatch:cycle_detail": (boss, {"pk": w["cycle"].pk}),
        "dispatch:cycle_export": (boss, {"pk": w["cycle"].pk}),
        "dispatch:cycle_accept": (boss, {"pk": w["cycle"].pk}),
        "dispatch:cycle_chase": (boss, {"pk": w["cycle"].pk}),
        "dispatch:ladder_edit": (boss, {"pk": w["rung"].pk}),
        "dispatch:ladder_delete": (boss, {"pk": w["rung"].pk}),
        "ingest:draft_review": (boss, {"pk": w["draft"].pk}),
        "ingest:draft_progress": (boss, {"pk": w["draft"].pk}),
        "ingest:sheet_upload": (boss, {"list_pk": city.economy.pk}),
        "ingest:sheet_review": (boss, {"pk": w["sheet_import"].pk}),
        "ingest:sheet_progress": (boss, {"pk": w["sheet_import"].pk}),
        "notify:notice_read": (boss, {"pk": w["notice"].pk}),
        "notify:robot_add": (boss, {"unit_pk": city.qingshan.pk}),
        "notify:robot_toggle": (boss, {"pk": w["robot"].pk}),
        "notify:robot_test": (boss, {"pk": w["robot"].pk}),
        "notify:robot_delete": (boss, {"pk": w["robot"].pk}),  # walked last of the robot's addresses
        "notify:hook_detail": (boss, {"pk": w["hook"].pk}),
        "notify:hook_toggle": (boss, {"pk": w["hook"].pk}),
        "notify:hook_replay": (boss, {"pk": w["hook_delivery"].pk}),
        "notify:hook_delete": (boss, {"pk": w["hook"].pk}),  # walked last of the webhook's addresses
        "accounts:reset_password": ("admin", {"pk": city.other_township_liaison.pk}),  # no persona here
        "accounts:identity_link": ("admin", {"pk": city.other_township_liaison.pk}),
        "accounts:identity_unlink": ("admin", {"pk": 1}),
        "api_tokens:revoke": (boss, {"pk": w["token"].pk}),
        # The REST API takes JSON and a token, no form: a session gets 401 (its own tests send it JSON).
        "api:get_task": (boss, {"task_id": w["task"].pk}),
        "api:get_report": (boss, {"report_id": w["pending"].pk}),
        "api:submit": (boss, {"report_id": w["pending"].pk}),
        "orgs:unit_detail": (boss, {"pk": city.qingshan.pk}),
        "orgs:unit_create": (boss, {"pk": city.qingshan.pk}),
        "orgs:unit_edit": (boss, {"pk": w["spare"].pk}),
        "orgs:unit_move": (boss, {"pk": w["spare"].pk}),
        "orgs:unit_deactivate": (boss, {"pk": w["spare"].pk}),
        "orgs:person_create": (boss, {"pk": city.qingshan.pk}),
        "orgs:person_edit": ("admin", {"pk": w["leaver"].pk}),
        "orgs:person_deactivate": ("admin", {"pk": w["leaver"].pk}),
        "orgs:person_unlock": ("admin", {"pk": w["leaver"].pk}),
        "orgs:import": ("admin", {}),
        "orgs:import_confirm": ("admin", {}),
        "orgs:import_template": ("admin", {}),
        "orgs:alias_list": ("admin", {}),
        "orgs:alias_generate": ("admin", {}),
        "orgs:alias_delete": ("admin", {"pk": w["alias"].pk}),
        "plans:unit_tasks_export": (boss, {"pk": city.qingshan.pk}),
        # The closed call's page has the decision form; the open call's, the forms to edit and to apply.
        "challenges:call_detail": (boss, {"pk": w["challenge"].closed.pk}),
        "challenges:call_edit": (boss, {"pk": w["challenge"].call.pk}),
        "challenges:call_publish": (boss, {"pk": w["challenge"].draft.pk}),
        "challenges:call_close": (boss, {"pk": w["challenge"].call.pk}),
        "challenges:call_cancel": (boss, {"pk": w["challenge"].closed.pk}),
        "challenges:call_decide": (boss, {"pk": w["challenge"].closed.pk}),
        "challenges:application_submit": ("county_liaison", {"pk": w["challenge"].call.pk}),
        "challenges:application_withdraw": ("county_liaison", {"pk": w["challenge"].application.pk}),
        "challenges:pledge_sign": ("county_head", {"pk": w["challenge"].selected.pk}),
        "challenges:application_file": (
            "county_liaison",
            {"pk": w["challenge"].application.pk, "file_pk": w["challenge"].file.pk},
        ),
        "assessment:run_create": (boss, {"pk": w["assessment"].system.pk}),
        "assessment:system_detail": (boss, {"pk": w["assessment"].system.pk}),
        "assessment:indicator_add": (boss, {"pk": w["assessment"].system.pk}),
        "assessment:award_create": (boss, {"pk": w["assessment"].system.pk}),
        "assessment:rate": ("leader", {"pk": w["assessment"].system.pk}),
        "assessment:run_detail": ("county_liaison", {"pk": w["assessment"].run.pk}),
        "assessment:run_compare": ("county_liaison", {"pk": w["assessment"].run.pk}),
        "cockpit:units_within": (boss, {"pk": city.qingshan.pk}),
        "assessment:unit_trace": (
            "county_liaison",
            {"pk": w["assessment"].run.pk, "unit_pk": city.qingshan.pk},
        ),
        "bulletins:detail": (boss, {"pk": w["bulletin"].pk}),
        "bulletins:progress": (boss, {"pk": w["bulletin"].pk}),
        "bulletins:section_edit": (boss, {"pk": w["bulletin"].pk, "section_pk": w["bulletin_section"].pk}),
        "bulletins:publish": (boss, {"pk": w["bulletin"].pk}),
        "bulletins:regenerate": (boss, {"pk": w["bulletin"].pk}),
        "bulletins:docx": (boss, {"pk": w["bulletin"].pk}),
        "bulletins:xlsx": (boss, {"pk": w["bulletin"].pk}),
        "supervision:item_detail": ("county_liaison", sv.args(city.qingshan, "signed")),
        "supervision:item_docx": (boss, sv.args(city.qingshan, "assigned")),
        "supervision:item_print": (boss, sv.args(city.qingshan, "assigned")),
        "supervision:feedback_file": (boss, sv.file_args(city.qingshan)),
        "supervision:item_sign": ("county_liaison", sv.args(city.qingshan, "assigned")),
        "supervision:item_start": ("county_liaison", sv.args(city.qingshan, "signed")),
        "supervision:item_feedback": ("county_liaison", sv.args(city.qingshan, "signed")),
        "supervision:extension_request": ("county_liaison", sv.args(city.qingshan, "signed")),
        "supervision:item_return": (boss, sv.args(city.qingshan, "feedback")),
        "supervision:item_close": (boss, sv.args(city.qingshan, "feedback")),
        "supervision:extension_decide": (boss, sv.extension_args(city.qingshan)),
        "supervision:item_note": ("department_liaison", sv.args(city.qingshan, "assigned")),
        "supervision:item_instruction": ("leader", sv.args(city.qingshan, "assigned")),
        "supervision:task_instruction": ("leader", {"pk": w["task"].pk}),
        # 调度会 of 青山县's office for 青山镇: the held one's page has the decision and minutes forms.
        "meetings:meeting_detail": (boss, mt.args(city.qingshan_town, "held")),
        "meetings:entry_brief": (boss, mt.entry_args(city.qingshan_town)),
        "meetings:entry_remove": (boss, mt.entry_args(city.qingshan_town)),
        "meetings:agenda_rebuild": (boss, mt.args(city.qingshan_town, "preparing")),
        "meetings:meeting_hold": (boss, mt.args(city.qingshan_town, "preparing")),
        "meetings:decision_record": (boss, mt.args(city.qingshan_town, "held")),
        "meetings:decision_withdraw": (boss, mt.decision_args(city.qingshan_town)),
        "meetings:minutes_close": (boss, mt.args(city.qingshan_town, "held")),
        "meetings:letter_detail": ("township_liaison", mt.letter_args(city.qingshan_town)),
        "meetings:letter_docx": ("township_liaison", mt.letter_args(city.qingshan_town)),
        "supervision:inspection_detail": (boss, sv.inspection_args(city.qingshan)),
        "supervision:finding_create": (boss, sv.inspection_args(city.qingshan)),
        "supervision:finding_raise_item": (boss, sv.finding_args(city.qingshan)),
        "supervision:rectification_detail": ("county_liaison", sv.rect_args(city.qingshan, "in_progress")),
        "supervision:rectification_close_out": ("county_liaison", sv.rect_args(city.qingshan, "in_progress")),
        "supervision:rectification_verify": (boss, sv.rect_args(city.qingshan, "requested")),
        "supervision:rectification_return": (boss, sv.rect_args(city.qingshan, "requested")),
        "supervision:close_out_file": (boss, sv.close_out_file_args(city.qingshan)),
        # The exemption the city's office asked, decided by a leader (not its author).
        "supervision:record_detail": ("leader", sv.record_args(city.qingshan)),
        "supervision:record_decide": ("leader", sv.record_args(city.qingshan)),
        "supervision:person_page": (boss, {"pk": city.county_liaison.pk}),
    }


def url_patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, Any]]:
    """(name with its namespace, pattern) for every named URL pattern of the site."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def rows_and_events() -> tuple[int, ...]:
    """What has been written to each table of ours (sessions and sign-in throttling aside), in one query."""
    return footprint(_tables())


@cache
def _tables() -> list[str]:
    """The tables rows_and_events reads, listed once: the walk asks about 8,000 times."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "axes") and not model._meta.proxy and model._meta.managed
    )


def parse_forms(page_url: str, html: str) -> list[Form]:
    forms = []
    for tag in BeautifulSoup(html, "html.parser").find_all("form"):
        form = Form(
            page_url, urljoin(page_url, tag.get("action") or page_url), (tag.get("method") or "get").lower()
        )
        for element in tag.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            form.fields[name] = field_of(element, form.fields.get(name))
        forms.append(form)
        if tag.get("hx-post") or tag.get("hx-get"):
            forms.append(Form(form.page, form.action, form.method, dict(form.fields), htmx=True))
    return forms


def field_of(element: Any, seen: tuple[str, list[str]] | None) -> tuple[str, list[str]]:
    """The field's kind and a valid value for it: what the page filled in, or a plausible one if required."""
    required = element.has_attr("required")
    if element.name == "textarea":
        return "text", [element.text or ("正常的文字" if required else "")]
    if element.name == "select":
        options = [o.get("value", o.text) for o in element.find_all("option")]
        chosen = [o.get("value", o.text) for o in element.find_all("option") if o.has_attr("selected")]
        if required and not any(chosen):
            chosen = [next((o for o in options if o), "")]
        return "choice", chosen
    kind = element.get("type", "text")
    value = element.get("value", "")
    if kind == "file":
        return "file", []
    if kind in ("checkbox", "radio"):
        values = (seen[1] if seen else []) + ([value or "on"] if element.has_attr("checked") else [])
        return "check", values
    if kind == "hidden":
        return "hidden", [value]
    plausible = {"number": str(element.get("min") or 1), "date": "2026-06-30", "time": "17:00"}
    field_kind = {"number": "number", "date": "date"}.get(kind, "text")
    return field_kind, [value or (plausible.get(kind, "正常的文字") if required else "")]


def send(client: Client, form: Form, data: dict[str, Any]) -> Any:
    headers = {"HX-Request": "true"} if form.htmx else {}
    if form.method == "post":
        return client.post(form.action, data, headers=headers)
    query = urlencode(data, doseq=True)
    return client.get(f"{form.action}{'&' if '?' in form.action else '?'}{query}", headers=headers)


def variants(form: Form) -> Iterator[tuple[str, dict[str, Any]]]:
    """The valid values with one field made hostile, for every field and kind; then everything at once."""
    valid = {name: values for name, (kind, values) in form.fields.items() if kind != "file"}
    for name, (kind, _values) in form.fields.items():
        for hostile in KINDS.get(kind, ()):
            yield f"{name}={hostile}", {**valid, name: HOSTILE[hostile]}
    for hostile in ("huge", "bad_utf8", "overflow", "markup"):
        yield f"all={hostile}", {name: HOSTILE[hostile] for name in valid}


def refused(response: Any) -> bool:
    """A 4xx, a form shown again with its errors, or an error message on the way to the next page."""
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    added = getattr(storage, "_queued_messages", [])  # this request's, not those carried from the last one
    if any(m.level >= messages.ERROR for m in added):
        return True
    contexts = response.context if isinstance(response.context, list) else [response.context]
    shown = [v for c in contexts if c is not None for v in c.flatten().values()]
    return any(
        (isinstance(v, BaseForm) and v.is_bound and v.errors)
        or (isinstance(v, BaseFormSet) and v.is_bound and v.total_error_count())
        for v in shown
    )


def reloaded(client: Client, form: Form) -> Form | None:
    """The same form as its page shows it now, or None when the page no longer has it."""
    response = client.get(form.page)
    if response.status_code != 200:
        return None
    again = parse_forms(form.page, response.content.decode())
    return next(
        (f for f in again if (f.action, f.method, f.htmx) == (form.action, form.method, form.htmx)), None
    )


def check(
    client: Client, persona: str, form: Form, label: str, data: dict[str, Any], refuses_silently: bool
) -> bool:
    """Send `data`; True when it was refused (and then nothing was written)."""
    before = rows_and_events()
    response = send(client, form, data)
    where = f"{form.method.upper()} {form.action} from {form.page} with {label}"
    assert response.status_code < 500, where
    # Sent to sign in: a redirect, or for htmx the whole page moved there (orgs.middleware).
    moved_to = response["Location"] if response.status_code == 302 else response.get("HX-Redirect", "")
    signed_out = urlsplit(moved_to).path == reverse("login")
    assert not (persona and signed_out), f"{where}: the walk lost its session; nothing after it counts"
    body = (
        response.content.decode(errors="replace")
        if response.get("Content-Type", "").startswith("text/html")
        else ""
    )
    assert SCRIPT not in body, f"{where}: markup echoed unescaped"
    if not refused(response):
        return False
    if refuses_silently:
        assert rows_and_events() == before, f"{where}: refused ({response.status_code}) but wrote"
    return True


def test_every_form_survives_hostile_input_and_a_refusal_writes_nothing(city, world):
    known = samples(city, world)
    clients: dict[str, Client] = {}

    def client_for(persona: str, afresh: bool = True) -> Client:
        """The persona's client, signed in afresh: a form just walked may have signed it out everywhere.

        Not afresh after a refusal: a refusal that signed the persona out fails the next request's check
        ("lost its session"), and signing in before every request took a sixth of the walk's time.
        """
        client = clients.setdefault(persona, Client(raise_request_exception=True))
        if persona and afresh:
            client.force_login(getattr(city, persona))
        return client

    walked: list[tuple[str, str, str]] = []  # (pattern name, persona, url)
    missing = []
    for name, pattern in url_patterns():
        if name.startswith(SKIPPED) or name in SKIPPED:
            continue
        persona, kwargs = known.get(name, ("city_supervisor", {}))
        if pattern.pattern.converters and name not in known:
            missing.append(name)
            continue
        walked.append((name, persona, reverse(name, kwargs=kwargs)))
    assert not missing, f"add a sample (persona and arguments) for these URL patterns: {missing}"

    forms: list[tuple[str, Form]] = []
    post_only = []
    for name, persona, url in walked:
        response = client_for(persona).get(url)
        assert response.status_code < 500, f"GET {url}"
        if response.status_code == 405:
            post_only.append((name, persona, url))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            forms += [(persona, f) for f in parse_forms(url, response.content.decode())]

    posted_to, tried = set(), set()
    forms.sort(key=lambda pair: "delete" in pair[1].action)  # what deletes goes last, the rest in page order
    for persona, form in forms:
        path = urlsplit(form.action).path
        try:
            target = resolve(path)
        except Resolver404:
            continue
        same = (persona, form.action, form.method, form.htmx, tuple(sorted(form.fields)))
        if target.view_name.startswith(SKIPPED) or target.view_name in SKIPPED or same in tried:
            continue  # the language menu is on every page: once is enough
        tried.add(same)
        posted_to.add(path)
        silent = target.view_name not in RECORDS_REFUSALS
        current = reloaded(client_for(persona), form)  # as it is now, after the forms walked before it
        if current is None:
            continue
        pending = dict(variants(current))
        for label in list(pending):  # reloaded() has just signed the persona in, and does after each success
            if not check(client_for(persona, afresh=False), persona, form, label, pending[label], silent):
                # Accepted: the object moved on (a new version, a new key); take the valid values afresh.
                current = reloaded(client_for(persona), form)
                if current is None:
                    break  # the form is gone: its object was deleted or its work is done
                pending = dict(variants(current))

    # A POST address no page showed a form for (a state the samples are not in) still meets hostile input.
    generic = ["comment", "report", "next", "version", "title", "idempotency_key", "action"]
    for name, persona, url in post_only:
        if url in posted_to:
            continue
        form = Form(url, url, "post", {n: ("hidden", [""]) for n in generic})
        accepted = True
        for label, data in variants(form):
            client = client_for(persona, afresh=accepted)
            accepted = not check(client, persona, form, label, data, name not in RECORDS_REFUSALS)
    assert len(tried) >= 15, sorted(tried)  # the walk found the site's forms
