"""Every address, asked by every persona, about an object in their scope and one outside it.

MATRIX below is the site's access table: for each named URL pattern, the status each persona gets, one row
per method and object. The objects come in two places: HERE is 青山县's corner of the city (青山镇's task,
report, robot…; inside the county people's and the township's scope, outside 龙泉镇's, 白沙县's and the
department's), THERE is 白沙县's (the outsider's own, outside everything of 青山县). Anything out of scope
answers 404, anything in scope that the persona may not do 403, a signed-out visitor is sent to sign in.
Every request is undone afterwards, so each persona meets the same city. A GET never writes; a POST
answered with its success status (302 unless SUCCESS says otherwise) has written, and any other answer
must leave every Luoshi table and the audit trail as it found them.

Adding a URL pattern makes `test_every_url_pattern_has_a_row` fail until it has one. To add it:

1. a MATRIX row, keyed by the pattern's name, with a line per method (and place, when the address or its
   form names an object) giving the ten personas' statuses in the column order of PERSONAS;
2. when it takes an object, an ARGS entry mapping a Place (world.here / world.there) to its URL kwargs,
   adding the object to `Place` and `build_world` if no existing one fits;
3. when it is POSTed, a PAYLOADS entry: the form a permitted persona would send, so that their 302 is a
   real success and not a form error (SUCCESS and SUCCESS_WITHOUT_WRITE for the exceptions);
4. a leak or a 500 found and not fixed yet: the expected row as it should be, and the pattern in FINDINGS,
   which runs it as xfail(strict=True) until the fix makes it pass.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook

from luoshi import testing
from luoshi.api.services import create_token
from luoshi.assessment.tests import worlds as asm
from luoshi.bulletins.tests import worlds as bl
from luoshi.challenges.tests import worlds as ch
from luoshi.core import clock as core_clock
from luoshi.meetings.tests import matrix_world as mt
from luoshi.supervision.tests import matrix_world as sv
from luoshi.testing import DEFAULT_NOW, PASSWORD, City, Clock, build_city, make_task, make_unit

PERSONAS = (  # the MATRIX columns
    "city_supervisor",  # CS
    "county_supervisor",  # KS
    "county_liaison",  # KL
    "county_head",  # KH
    "township_liaison",  # TL
    "other_township_liaison",  # OL
    "outsider",  # OUT
    "department_liaison",  # DL
    "leader",  # LD
    "admin",  # AD
)

# Not in the matrix, and why.
SKIPPED_NAMESPACES = {
    "admin": "Django's own: each page checks is_staff itself (test_only_an_admin_enters_the_admin)",
}
# Patterns a signed-out visitor may use; their anonymous status is in PUBLIC, not a login redirect.
PUBLIC = {
    "login": {"GET": 200},
    "logout": {"GET": 405, "POST": 302},
    "set_language": {"GET": 302, "POST": 302},
    # Single sign-on's own routes, all 404 while it is not configured (as here; tests/test_sso.py has it on).
    "accounts:sso_login": {"GET": 404},
    "accounts:sso_callback": {"GET": 404},
    # The REST API answers with problem details, never a redirect: 401 to anyone without a live token.
    "api:api-root": {"GET": 404},
    "api:list_units": {"GET": 401},
    "api:list_tasks": {"GET": 401},
    "api:get_task": {"GET": 401},
    "api:list_reports": {"GET": 401},
    "api:get_report": {"GET": 401},
    "api:submit": {"GET": 405, "POST": 401},
}


class _ImportFile(io.BytesIO):
    """An .xlsx for orgs:import that the test client can send once per persona: each read starts afresh."""

    name = "组织架构.xlsx"

    def __init__(self) -> None:
        book = Workbook()
        units = book.active
        assert units is not None
        units.title = "单位"
        units.append(["名称", "上级单位", "类型", "类别"])
        units.append(["新区街道", "青山县", "township", ""])
        book.create_sheet("人员").append(["姓名", "用户名", "单位", "角色", "电话", "电子邮箱"])
        super().__init__()
        book.save(self)

    def read(self, size: int | None = -1) -> bytes:
        self.seek(0)
        return super().read(size)


class _SheetFile(io.BytesIO):
    """A task list's .xlsx for ingest:sheet_upload, sent once per persona: each read starts afresh."""

    name = "督办台账.xlsx"

    def __init__(self) -> None:
        from luoshi.text.tests import task_sheets

        super().__init__(task_sheets.ledger_table())

    def read(self, size: int | None = -1) -> bytes:
        self.seek(0)
        return super().read(size)


class _Evidence(io.BytesIO):
    """A close-out's evidence the test client can send once per persona: each read starts afresh."""

    name = "整改照片.pdf"

    def __init__(self) -> None:
        super().__init__(b"%PDF-1.7 matrix evidence")

    def read(self, size: int | None = -1) -> bytes:
        self.seek(0)
        return super().read(size)


def every(status: int) -> str:
    return " ".join([str(status)] * len(PERSONAS))


# fmt: off
#                                                   CS  KS  KL  KH  TL  OL  OUT DL  LD  AD
MATRIX: dict[str, dict[str, str]] = {
    "web:home":                     {"GET":         every(200)},
    "web:burden":                   {"GET":        "200 200 403 403 403 403 403 403 200 200"},
    "login":                        {"GET":         every(302)},
    "logout":                       {"GET":         every(405),
                                     "POST":        every(302)},
    "set_language":                 {"GET":         every(302),
                                     "POST":        every(302)},
    "accounts:account":             {"GET":         every(200)},
    "accounts:password_change":     {"GET":         every(200),
                                     "POST":        every(302)},
    "accounts:sign_in_history":     {"GET":         every(200)},
    # Single sign-on is not configured here: its routes are not there (tests/test_sso.py has it on).
    "accounts:sso_login":           {"GET":         every(404)},
    "accounts:sso_callback":        {"GET":         every(404)},
    "accounts:identity_link":       {"GET here":    every(405),
                                     "POST here":   every(404),
                                     "POST there":  every(404)},
    "accounts:identity_unlink":     {"GET here":    every(405),
                                     "POST here":   every(404)},
    # Personal API tokens: each person's own; another's token is not there.
    "api_tokens:list":              {"GET":         every(200),
                                     "POST":        every(200)},
    "api_tokens:revoke":            {"GET here":    every(405),
                                     "POST here":  "404 404 404 404 302 404 404 404 404 404",
                                     "POST there": "404 404 404 404 404 404 302 404 404 404"},
    # The API's document and its page, for anyone signed in (Swagger UI from our own static files).
    "api:openapi-json":             {"GET":         every(200)},
    "api:openapi-view":             {"GET":         every(200)},
    # The API itself takes only a personal token (`Authorization: Bearer`), never the session cookie, so a
    # signed-in page session gets 401 everywhere; what each persona's token reaches, on every endpoint and
    # object, is enumerated in luoshi/api/tests/test_scope.py.
    "api:api-root":                 {"GET":         every(404)},
    "api:list_units":               {"GET":         every(401)},
    "api:list_tasks":               {"GET":         every(401)},
    "api:get_task":                 {"GET here":    every(401),
                                     "GET there":   every(401)},
    "api:list_reports":             {"GET":         every(401)},
    "api:get_report":               {"GET here":    every(401),
                                     "GET there":   every(401)},
    "api:submit":                   {"GET here":    every(405),
                                     "POST here":   every(401),
                                     "POST there":  every(401)},
    "accounts:sign_out_everywhere": {"GET":         every(405),
                                     "POST":        every(302)},
    # Only an administrator resets a password; to anyone else the person is not there.
    "accounts:reset_password":      {"GET here":    every(405),
                                     "POST here":  "404 404 404 404 404 404 404 404 404 200",
                                     "POST there": "404 404 404 404 404 404 404 404 404 200"},
    "orgs:unit_tree":               {"GET":         every(200)},
    "orgs:unit_detail":             {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    # An administrator manages units and people everywhere, a supervisor in their jurisdiction (below its
    # root, and not themselves); passwords and locks are the administrator's alone.
    "orgs:unit_create":             {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:unit_edit":               {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:unit_move":               {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:unit_deactivate":         {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:person_create":           {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "200 200 403 403 403 404 404 404 403 200",
                                     "POST there": "200 404 404 404 404 404 403 404 403 200"},
    "orgs:person_edit":             {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:person_deactivate":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "orgs:person_unlock":           {"GET here":    every(405),
                                     "POST here":  "403 403 403 403 403 404 404 404 403 302",
                                     "POST there": "403 404 404 404 404 404 403 404 403 302"},
    "orgs:import":                  {"GET":        "403 403 403 403 403 403 403 403 403 200",
                                     "POST":       "403 403 403 403 403 403 403 403 403 200"},
    "orgs:import_confirm":          {"GET":         every(405),
                                     "POST":       "403 403 403 403 403 403 403 403 403 409"},
    "orgs:import_template":         {"GET":        "403 403 403 403 403 403 403 403 403 200"},
    "orgs:alias_list":              {"GET":        "403 403 403 403 403 403 403 403 403 200",
                                     "POST":       "403 403 403 403 403 403 403 403 403 302"},
    "orgs:alias_generate":          {"GET":         every(405),
                                     "POST":       "403 403 403 403 403 403 403 403 403 302"},
    "orgs:alias_delete":            {"GET here":    every(405),
                                     "POST here":  "403 403 403 403 403 403 403 403 403 302",
                                     "POST there": "403 403 403 403 403 403 403 403 403 302"},
    "plans:plan_list":              {"GET":         every(200)},
    "plans:task_list":              {"GET":         every(200)},
    "plans:task_list_export":       {"GET":         every(200)},
    # A unit's tasks out to Excel: whoever sees the unit's page.
    "plans:unit_tasks_export":      {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "plans:task_detail":            {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "plans:task_edit":              {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    # 调整完成时限 and 撤销: the office that may edit the task, with a reason; a refused form is a page.
    "plans:task_deadline":          {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:task_cancel":            {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:milestone_add":          {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:task_create":            {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:task_decompose":         {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:milestone_edit":         {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:milestone_delete":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:milestone_confirm":      {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    # 交账: the lead unit's liaisons and heads declare a task done; the office that may edit it decides.
    "plans:delivery_submit":        {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    # A co-unit's liaisons and heads (and those of a unit above it) write its contribution.
    "plans:contribution_submit":    {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    # A delivery's file opens for whoever sees the task; a pending contribution's is removed by its unit.
    "plans:delivery_file":          {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "plans:delivery_file_remove":   {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "plans:delivery_accept":        {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "plans:delivery_reject":        {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "dispatch:inbox":               {"GET":         every(200)},
    # A report is filled in by its unit's liaisons and heads; the others who see it get the page unchanged.
    "dispatch:report_detail":       {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200",
                                     "POST here":  "200 200 302 302 302 404 404 404 200 200",
                                     "POST there": "200 404 404 404 404 404 302 404 200 200"},
    "dispatch:report_return":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "dispatch:report_accept":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    # Only a unit head approves, and 白沙县 has none among the personas.
    "dispatch:report_approve":      {"GET here":    every(405),
                                     "POST here":  "403 403 403 302 403 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 403 404 403 403"},
    # A report's file opens for whoever sees the report; only who may fill it removes one, before it is sent.
    "dispatch:evidence_file":       {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "dispatch:evidence_remove":     {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "dispatch:cycle_list":          {"GET":         every(200)},
    # The list or plan is a form field: one the persona may not manage is not among its choices (200).
    "dispatch:cadence_list":        {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    # One cycle holds both places' reports: whoever sees one of them sees the cycle.
    "dispatch:cycle_detail":        {"GET here":   "200 200 200 200 200 404 200 404 200 200"},
    "dispatch:cycle_export":        {"GET here":   "200 200 200 200 200 404 200 404 200 200"},
    "dispatch:cycle_accept":        {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 403 404 403 302",
                                     "POST there": "302 403 403 403 403 404 403 404 403 302"},
    # 一键催报: the offices that review some of the cycle's reports; each reminds the units it supervises.
    "dispatch:cycle_chase":         {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 403 404 403 302"},
    "dispatch:escalation_list":     {"GET":         every(200)},
    # The escalation ladder is the whole tree's: everyone signed in reads it; an administrator or the
    # city's office (a supervisor at the top) changes it. A rung belongs to no place.
    "dispatch:ladder":              {"GET":         every(200)},
    "dispatch:ladder_add":          {"GET":        "200 403 403 403 403 403 403 403 403 200",
                                     "POST":       "302 403 403 403 403 403 403 403 403 302"},
    "dispatch:ladder_edit":         {"GET":        "200 403 403 403 403 403 403 403 403 200",
                                     "POST":       "302 403 403 403 403 403 403 403 403 302"},
    "dispatch:ladder_delete":       {"GET":         every(405),
                                     "POST":       "302 403 403 403 403 403 403 403 403 302"},
    "notify:notice_list":           {"GET":         every(200)},
    # A notice is its recipient's alone: 青山镇's liaison's here, the outsider's there.
    "notify:notice_read":           {"GET here":    every(405),
                                     "POST here":  "404 404 404 404 302 404 404 404 404 404",
                                     "POST there": "404 404 404 404 404 404 302 404 404 404"},
    "notify:notice_read_all":       {"GET":         every(405),
                                     "POST":        every(302)},
    "notify:robot_add":             {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "notify:robot_toggle":          {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "notify:robot_test":            {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "notify:robot_delete":          {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    # Outbound webhooks: for the offices over the unit, as group robots are. The form names its unit.
    "notify:hook_list":             {"GET":        "200 200 403 403 403 403 403 403 403 200"},
    "notify:hook_add":              {"GET":         every(405),
                                     "POST here":  "200 200 403 403 403 403 403 403 403 200",
                                     "POST there": "200 400 403 403 403 403 403 403 403 200"},
    "notify:hook_detail":           {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200"},
    "notify:hook_toggle":           {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "notify:hook_delete":           {"GET here":   "200 200 403 403 403 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "notify:hook_replay":           {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "ingest:intake_new":            {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "ingest:sheet_template":        {"GET":        "200 200 403 403 403 403 403 403 403 200"},
    "ingest:draft_review":          {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "ingest:draft_progress":        {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200"},
    # A spreadsheet import: whoever may add tasks to the list (plans:task_create), its office's alone.
    "ingest:sheet_upload":          {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "ingest:sheet_review":          {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "ingest:sheet_progress":        {"GET here":   "200 200 403 403 404 404 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200"},
    # 督办件: seen by the issuing office (the city's) and those above it, by the lead unit and its co-unit
    # and those above them. The office decides, the lead unit's liaisons and heads act, the co-unit notes,
    # a leader instructs.
    "supervision:item_list":        {"GET":         every(200)},
    "supervision:item_list_export": {"GET":         every(200)},
    "supervision:item_create":      {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "supervision:series_edit":      {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST":       "302 302 403 403 403 403 403 403 403 302"},
    "supervision:item_detail":      {"GET here":   "200 200 200 200 200 404 404 200 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:item_docx":        {"GET here":   "200 200 200 200 200 404 404 200 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:item_print":       {"GET here":   "200 200 200 200 200 404 404 200 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:feedback_file":    {"GET here":   "200 200 200 200 200 404 404 200 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:item_sign":        {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 403 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:item_start":       {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 403 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:item_feedback":    {"GET here":    every(405),
                                     "POST here":  "403 403 302 302 302 404 404 403 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:extension_request": {"GET here":   every(405),
                                     "POST here":  "403 403 302 302 302 404 404 403 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:item_return":      {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 403 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:item_close":       {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 403 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:extension_decide": {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 403 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:item_note":        {"GET here":    every(405),
                                     "POST here":  "403 403 403 403 403 404 404 302 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:item_instruction": {"GET here":    every(405),
                                     "POST here":  "403 403 403 403 403 404 404 403 302 403",
                                     "POST there": "403 404 404 404 404 404 403 404 302 403"},
    "supervision:task_instruction": {"GET here":    every(405),
                                     "POST here":  "403 403 403 403 403 404 404 404 302 403",
                                     "POST there": "403 404 404 404 404 404 403 404 302 403"},
    # 调度会: HERE 青山县's office convenes for 青山镇, THERE the city's for 白沙县. A meeting is seen by its
    # office and those above it (and the people of the county it convened in); the office manages it; a
    # unit sees the letter sent to it (or to a unit below it).
    "meetings:meeting_list":        {"GET":         every(200)},
    "meetings:meeting_create":      {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "meetings:meeting_detail":      {"GET here":   "200 200 200 200 404 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 200 200"},
    "meetings:entry_brief":         {"GET here":   "200 200 200 200 404 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 200 200"},
    "meetings:entry_remove":        {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:agenda_rebuild":      {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:meeting_hold":        {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:decision_record":     {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:decision_withdraw":   {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:minutes_close":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 404 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 404 404 403 302"},
    "meetings:letter_detail":       {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "meetings:letter_docx":         {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    # 问责与容错: the records about a unit are read by the office over it, leaders and administrators (404
    # outside scope, 403 in scope for its own people and the units above it); the office records, and an
    # exemption is decided by someone entitled other than the one who asked (here the city's office).
    # HERE 青山镇 and its liaison's page, THERE 白沙县 and the outsider's.
    "supervision:record_list":      {"GET":        "200 200 403 403 403 403 403 403 200 200"},
    "supervision:record_create":    {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "supervision:record_detail":    {"GET here":   "200 200 403 403 403 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 200 200"},
    "supervision:record_decide":    {"GET here":    every(405),
                                     "POST here":  "403 302 403 403 403 404 404 404 302 302",
                                     "POST there": "403 404 404 404 404 404 403 404 302 302"},
    "supervision:person_page":      {"GET here":   "200 200 403 403 403 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 200 200"},
    # 考核: rankings circulate to every unit a system assesses; a unit's rows to those who see the unit; only
    # the office over the units starts a run.
    "assessment:index":             {"GET":         every(200)},
    "assessment:system_create":     {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST":       "302 302 403 403 403 403 403 403 403 302"},
    "assessment:system_detail":     {"GET here":   "200 200 200 200 200 200 404 404 200 200",
                                     "GET there":   every(200)},
    "assessment:indicator_add":     {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 403 403 403 403 403 403 403 403 302"},
    "assessment:award_create":      {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 403 403 403 403 403 403 403 403 302"},
    "assessment:rate":              {"GET here":   "200 200 403 403 403 403 404 404 200 200",
                                     "POST here":  "302 302 403 403 403 403 404 404 302 302",
                                     "POST there": "302 200 403 403 403 403 403 403 302 302"},
    "assessment:run_create":        {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 403 403 403 403 403 403 403 403 302"},
    "assessment:run_detail":        {"GET here":   "200 200 200 200 200 200 404 404 200 200",
                                     "GET there":   every(200)},
    "assessment:run_compare":       {"GET here":   "200 200 200 200 200 200 404 404 200 200",
                                     "GET there":   every(200)},
    "assessment:unit_trace":        {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    # 驾驶舱: for those who follow a jurisdiction (supervisors, leaders, admins), each over their own; a
    # unit's own people are refused (their work is on their home page). A unit outside scope: 404.
    "cockpit:cockpit":              {"GET":        "200 200 403 403 403 403 403 403 200 200"},
    "cockpit:units":                {"GET":        "200 200 403 403 403 403 403 403 200 200"},
    "cockpit:units_within":         {"GET here":   "200 200 403 403 403 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 200 200"},
    # 通报: a draft is its office's (and the offices above it); HERE 青山县's office's on 青山镇, THERE the
    # city's on 白沙县. Published ones are read by the units covered (tested in the app's own tests).
    "bulletins:index":              {"GET":         every(200)},
    "bulletins:create":             {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "bulletins:detail":             {"GET here":   "200 200 404 404 404 404 404 404 404 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 404 200"},
    "bulletins:progress":           {"GET here":   "200 200 404 404 404 404 404 404 404 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 404 200"},
    "bulletins:section_edit":       {"GET here":   "200 200 404 404 404 404 404 404 404 200",
                                     "POST here":  "302 302 404 404 404 404 404 404 404 302",
                                     "GET there":  "200 404 404 404 404 404 404 404 404 200",
                                     "POST there": "302 404 404 404 404 404 404 404 404 302"},
    "bulletins:publish":            {"GET here":    every(405),
                                     "POST here":  "302 302 404 404 404 404 404 404 404 302",
                                     "POST there": "302 404 404 404 404 404 404 404 404 302"},
    "bulletins:regenerate":         {"GET here":    every(405),
                                     "POST here":  "302 302 404 404 404 404 404 404 404 302",
                                     "POST there": "302 404 404 404 404 404 404 404 404 302"},
    "bulletins:docx":               {"GET here":   "200 200 404 404 404 404 404 404 404 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 404 200"},
    "bulletins:xlsx":               {"GET here":   "200 200 404 404 404 404 404 404 404 200",
                                     "GET there":  "200 404 404 404 404 404 404 404 404 200"},
    # 督查 and 整改: HERE 青山镇 inspected by the city's office, THERE 白沙县. Seen by the office and those
    # above it and by the inspected unit and those above it; the office records findings and verifies, the
    # rectifying unit's liaisons and heads (and those above them) ask for close-out with evidence.
    "supervision:inspection_list":  {"GET":         every(200)},
    "supervision:inspection_create": {"GET":       "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "supervision:inspection_calendar": {"GET":      every(200)},
    "supervision:inspection_detail": {"GET here":  "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:finding_create":   {"GET here":    every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:finding_raise_item": {"GET here":  every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:rectification_list": {"GET":       every(200)},
    "supervision:rectification_detail": {"GET here": "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:close_out_file":   {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "supervision:rectification_close_out": {"GET here": every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "supervision:rectification_verify": {"GET here": every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "supervision:rectification_return": {"GET here": every(405),
                                     "POST here":  "302 403 403 403 403 404 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "challenges:call_list":         {"GET":         every(200)},
    # 揭榜挂帅: HERE 青山县's office's calls, open to all its units (龙泉镇 too); THERE the city's, open to
    # 白沙县 only. A draft is the office's alone; a unit applies and sees its own application, the head of
    # the selected unit signs the pledge; the office (and a leader over it) sees every application.
    "challenges:call_create":       {"GET":        "200 200 403 403 403 403 403 403 403 200",
                                     "POST here":  "302 302 403 403 403 403 403 403 403 302",
                                     "POST there": "302 200 403 403 403 403 403 403 403 302"},
    "challenges:call_detail":       {"GET here":   "200 200 200 200 200 200 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
    "challenges:call_edit":         {"GET here":   "200 200 403 403 403 403 404 404 403 200",
                                     "GET there":  "200 404 404 404 404 404 403 404 403 200",
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "challenges:call_publish":      {"GET here":    every(405),
                                     "POST here":  "302 302 404 404 404 404 404 404 404 302",
                                     "POST there": "302 404 404 404 404 404 404 404 404 302"},
    "challenges:call_close":        {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "challenges:call_cancel":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    "challenges:call_decide":       {"GET here":    every(405),
                                     "POST here":  "302 302 403 403 403 403 404 404 403 302",
                                     "POST there": "302 404 404 404 404 404 403 404 403 302"},
    # 龙泉镇's liaison may apply, but for 龙泉镇: the form naming 青山镇 is refused (shown again).
    "challenges:application_submit": {"GET here":  "403 403 200 200 200 200 404 404 403 403",
                                     "GET there":  "403 404 404 404 404 404 200 404 403 403",
                                     "POST here":  "403 403 302 302 302 200 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    "challenges:application_withdraw": {"GET here": every(405),
                                     "POST here":  "403 403 302 302 302 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 302 404 403 403"},
    # Only a unit head signs a 军令状, and 白沙县 has none among the personas.
    "challenges:pledge_sign":       {"GET here":    every(405),
                                     "POST here":  "403 403 403 302 403 404 404 404 403 403",
                                     "POST there": "403 404 404 404 404 404 403 404 403 403"},
    "challenges:application_file":  {"GET here":   "200 200 200 200 200 404 404 404 200 200",
                                     "GET there":  "200 404 404 404 404 404 200 404 200 200"},
}
# fmt: on

# A POST answered 302 has written (so a form error redirected cannot pass for a success), and any other
# answer has not; these answer their success otherwise:
SUCCESS: dict[str, int] = {
    "accounts:reset_password": 200,  # the one-time password is shown on the page
    "orgs:person_create": 200,  # so is the new person's
    "orgs:import": 200,  # the dry run's preview
    "api_tokens:list": 200,  # the new token is shown once, on the page
    "notify:hook_add": 200,  # so is the new webhook's signing secret
}
# and these may succeed without writing:
SUCCESS_WITHOUT_WRITE = {
    "set_language": "the language is kept in a cookie",
    "orgs:import": "a dry run; only its confirmation writes (and needs the dry run's session: 409 here)",
    "notify:notice_read_all": "only 青山镇's liaison and the outsider have a notice to mark",
}

# Rows that show a finding not fixed yet: name -> the finding. Each runs as xfail(strict=True).
FINDINGS: dict[str, str] = {}


@dataclass
class Place:
    """One corner of the city and an object of every kind in it."""

    unit: Any
    spare: Any  # an empty unit below it, for unit_deactivate
    person: Any  # a liaison of the unit
    task: Any  # led by the place; HERE a subtask 青山县 handed down to 青山镇
    parent: Any  # the task split by task_decompose
    task_list: Any  # of a plan the place issued, for task_create
    milestone: Any
    delivery: Any  # a 交账 awaiting the office, of the place's pledge task (issued by the city)
    shared: Any  # a task of the unit above the place (HERE) or of the place (THERE) with a co-unit
    co_unit: Any  # that co-unit: 青山镇 HERE, a park of 白沙县 THERE
    delivery_file: Any  # a file of the co-unit's contribution to the shared task, not yet delivered
    pending_report: Any
    submitted_report: Any
    awaiting_report: Any  # awaiting the unit head's approval
    evidence: Any  # a file of the pending report
    notice: Any
    robot: Any
    hook: Any  # an outbound webhook over the place
    hook_delivery: Any  # an event logged for it
    draft: Any
    sheet_import: Any  # a spreadsheet in review for task_list, its file kept
    alias: Any  # another name of the unit, for alias_delete (an administrator's page)
    token: Any  # the place's person's personal API token


@dataclass
class World:
    city: City
    here: Place
    there: Place
    cycle: Any  # holds both places' submitted reports
    sessions: dict[str, str]  # each persona's session key, signed in once for the module
    # The one test client of the module: a Client builds Django's middleware chain at its first request,
    # and a new one for each of the ~5,500 requests spent 3.5% of the matrix's time doing so.
    client: Client = field(default_factory=lambda: Client(raise_request_exception=False))


ARGS: dict[str, Callable[[World, Place], dict[str, int]]] = {
    "bulletins:detail": lambda w, p: {"pk": bl.of(p).pk},
    "bulletins:progress": lambda w, p: {"pk": bl.of(p).pk},
    "bulletins:section_edit": lambda w, p: {"pk": bl.of(p).pk, "section_pk": bl.section_of(p).pk},
    "bulletins:publish": lambda w, p: {"pk": bl.of(p).pk},
    "bulletins:regenerate": lambda w, p: {"pk": bl.of(p).pk},
    "bulletins:docx": lambda w, p: {"pk": bl.of(p).pk},
    "bulletins:xlsx": lambda w, p: {"pk": bl.of(p).pk},
    "assessment:system_detail": lambda w, p: {"pk": asm.of(p).system.pk},
    "assessment:indicator_add": lambda w, p: {"pk": asm.of(p).system.pk},
    "assessment:award_create": lambda w, p: {"pk": asm.of(p).system.pk},
    "assessment:rate": lambda w, p: {"pk": asm.of(p).system.pk},
    "assessment:run_create": lambda w, p: {"pk": asm.of(p).system.pk},
    "assessment:run_detail": lambda w, p: {"pk": asm.of(p).run.pk},
    "assessment:run_compare": lambda w, p: {"pk": asm.of(p).run.pk},
    "assessment:unit_trace": lambda w, p: {"pk": asm.of(p).run.pk, "unit_pk": asm.of(p).unit.pk},
    "challenges:call_detail": lambda w, p: {"pk": ch.of(p).call.pk},
    "challenges:call_edit": lambda w, p: {"pk": ch.of(p).call.pk},
    "challenges:call_publish": lambda w, p: {"pk": ch.of(p).draft.pk},
    "challenges:call_close": lambda w, p: {"pk": ch.of(p).call.pk},
    "challenges:call_cancel": lambda w, p: {"pk": ch.of(p).call.pk},
    "challenges:call_decide": lambda w, p: {"pk": ch.of(p).closed.pk},
    "challenges:application_submit": lambda w, p: {"pk": ch.of(p).call.pk},
    "challenges:application_withdraw": lambda w, p: {"pk": ch.of(p).application.pk},
    "challenges:pledge_sign": lambda w, p: {"pk": ch.of(p).selected.pk},
    "challenges:application_file": lambda w, p: {"pk": ch.of(p).application.pk, "file_pk": ch.of(p).file.pk},
    "meetings:meeting_detail": lambda w, p: mt.args(p.unit, "held"),
    "meetings:entry_brief": lambda w, p: mt.entry_args(p.unit),
    "meetings:entry_remove": lambda w, p: mt.entry_args(p.unit),
    "meetings:agenda_rebuild": lambda w, p: mt.args(p.unit, "preparing"),
    "meetings:meeting_hold": lambda w, p: mt.args(p.unit, "preparing"),
    "meetings:decision_record": lambda w, p: mt.args(p.unit, "held"),
    "meetings:decision_withdraw": lambda w, p: mt.decision_args(p.unit),
    "meetings:minutes_close": lambda w, p: mt.args(p.unit, "held"),
    "meetings:letter_detail": lambda w, p: mt.letter_args(p.unit),
    "meetings:letter_docx": lambda w, p: mt.letter_args(p.unit),
    "orgs:unit_detail": lambda w, p: {"pk": p.unit.pk},
    "cockpit:units_within": lambda w, p: {"pk": p.unit.pk},
    "orgs:unit_create": lambda w, p: {"pk": p.unit.pk},
    "orgs:unit_edit": lambda w, p: {"pk": p.unit.pk},
    "orgs:unit_move": lambda w, p: {"pk": p.unit.pk},
    "orgs:unit_deactivate": lambda w, p: {"pk": p.spare.pk},
    "orgs:person_create": lambda w, p: {"pk": p.unit.pk},
    "orgs:person_edit": lambda w, p: {"pk": p.person.pk},
    "orgs:person_deactivate": lambda w, p: {"pk": p.person.pk},
    "orgs:person_unlock": lambda w, p: {"pk": p.person.pk},
    "plans:unit_tasks_export": lambda w, p: {"pk": p.unit.pk},
    "plans:task_detail": lambda w, p: {"pk": p.task.pk},
    "plans:task_edit": lambda w, p: {"pk": p.task.pk},
    "plans:task_deadline": lambda w, p: {"pk": p.task.pk},
    "plans:task_cancel": lambda w, p: {"pk": p.task.pk},
    "plans:milestone_add": lambda w, p: {"task_pk": p.task.pk},
    "plans:task_create": lambda w, p: {"list_pk": p.task_list.pk},
    "plans:task_decompose": lambda w, p: {"list_pk": p.parent.task_list_id, "parent_pk": p.parent.pk},
    "plans:milestone_edit": lambda w, p: {"pk": p.milestone.pk},
    "plans:milestone_delete": lambda w, p: {"pk": p.milestone.pk},
    "plans:milestone_confirm": lambda w, p: {"pk": p.milestone.pk},
    "plans:delivery_submit": lambda w, p: {"pk": p.task.pk},
    "plans:contribution_submit": lambda w, p: {"pk": p.shared.pk},
    "plans:delivery_file": lambda w, p: {"pk": p.shared.pk, "file_pk": p.delivery_file.pk},
    "plans:delivery_file_remove": lambda w, p: {"pk": p.shared.pk, "file_pk": p.delivery_file.pk},
    "plans:delivery_accept": lambda w, p: {"pk": p.delivery.pk},
    "plans:delivery_reject": lambda w, p: {"pk": p.delivery.pk},
    "dispatch:report_detail": lambda w, p: {"pk": p.pending_report.pk},
    "dispatch:report_return": lambda w, p: {"pk": p.submitted_report.pk},
    "dispatch:report_accept": lambda w, p: {"pk": p.submitted_report.pk},
    "dispatch:report_approve": lambda w, p: {"pk": p.awaiting_report.pk},
    "dispatch:evidence_file": lambda w, p: {"pk": p.pending_report.pk, "evidence_pk": p.evidence.pk},
    "dispatch:evidence_remove": lambda w, p: {"pk": p.pending_report.pk, "evidence_pk": p.evidence.pk},
    "dispatch:cycle_detail": lambda w, p: {"pk": w.cycle.pk},
    "dispatch:cycle_export": lambda w, p: {"pk": w.cycle.pk},
    "dispatch:cycle_accept": lambda w, p: {"pk": w.cycle.pk},
    "dispatch:cycle_chase": lambda w, p: {"pk": w.cycle.pk},
    "dispatch:ladder_edit": lambda w, p: {"pk": _top_rung().pk},
    "dispatch:ladder_delete": lambda w, p: {"pk": _top_rung().pk},
    "notify:notice_read": lambda w, p: {"pk": p.notice.pk},
    "notify:robot_add": lambda w, p: {"unit_pk": p.unit.pk},
    "notify:robot_toggle": lambda w, p: {"pk": p.robot.pk},
    "notify:robot_test": lambda w, p: {"pk": p.robot.pk},
    "notify:robot_delete": lambda w, p: {"pk": p.robot.pk},
    "notify:hook_detail": lambda w, p: {"pk": p.hook.pk},
    "notify:hook_toggle": lambda w, p: {"pk": p.hook.pk},
    "notify:hook_delete": lambda w, p: {"pk": p.hook.pk},
    "notify:hook_replay": lambda w, p: {"pk": p.hook_delivery.pk},
    "accounts:reset_password": lambda w, p: {"pk": p.person.pk},
    "accounts:identity_link": lambda w, p: {"pk": p.person.pk},
    "accounts:identity_unlink": lambda w, p: {"pk": p.person.pk},  # no link has it: 404 either way
    "api_tokens:revoke": lambda w, p: {"pk": p.token.pk},
    "api:get_task": lambda w, p: {"task_id": p.task.pk},
    "api:get_report": lambda w, p: {"report_id": p.pending_report.pk},
    "api:submit": lambda w, p: {"report_id": p.pending_report.pk},
    "ingest:draft_review": lambda w, p: {"pk": p.draft.pk},
    "ingest:draft_progress": lambda w, p: {"pk": p.draft.pk},
    "ingest:sheet_upload": lambda w, p: {"list_pk": p.task_list.pk},
    "ingest:sheet_review": lambda w, p: {"pk": p.sheet_import.pk},
    "ingest:sheet_progress": lambda w, p: {"pk": p.sheet_import.pk},
    "orgs:alias_delete": lambda w, p: {"pk": p.alias.pk},
    "supervision:item_detail": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:item_docx": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:item_print": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:feedback_file": lambda w, p: sv.file_args(p.unit),
    "supervision:item_sign": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:item_start": lambda w, p: sv.args(p.unit, "signed"),
    "supervision:item_feedback": lambda w, p: sv.args(p.unit, "signed"),
    "supervision:extension_request": lambda w, p: sv.args(p.unit, "signed"),
    "supervision:item_return": lambda w, p: sv.args(p.unit, "feedback"),
    "supervision:item_close": lambda w, p: sv.args(p.unit, "feedback"),
    "supervision:extension_decide": lambda w, p: sv.extension_args(p.unit),
    "supervision:item_note": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:item_instruction": lambda w, p: sv.args(p.unit, "assigned"),
    "supervision:task_instruction": lambda w, p: {"pk": p.task.pk},
    "supervision:inspection_detail": lambda w, p: sv.inspection_args(p.unit),
    "supervision:finding_create": lambda w, p: sv.inspection_args(p.unit),
    "supervision:finding_raise_item": lambda w, p: sv.finding_args(p.unit),
    "supervision:rectification_detail": lambda w, p: sv.rect_args(p.unit, "in_progress"),
    "supervision:close_out_file": lambda w, p: sv.close_out_file_args(p.unit),
    "supervision:rectification_close_out": lambda w, p: sv.rect_args(p.unit, "in_progress"),
    "supervision:rectification_verify": lambda w, p: sv.rect_args(p.unit, "requested"),
    "supervision:rectification_return": lambda w, p: sv.rect_args(p.unit, "requested"),
    "supervision:record_detail": lambda w, p: sv.record_args(p.unit),
    "supervision:record_decide": lambda w, p: sv.record_args(p.unit),
    "supervision:person_page": lambda w, p: {"pk": p.person.pk},
}


def _top_rung() -> Any:
    """约谈, the default ladder's last rung: it has issued no notice, so it may be edited or deleted."""
    from luoshi.notify.models import EscalationStep

    return EscalationStep.objects.get(name="约谈")


def _rung_form(**fields: Any) -> dict[str, Any]:
    from luoshi.notify.ladder_services import ladder_stamp

    return {"color": "red", "notify_leader": "on", "seen": ladder_stamp(), **fields}


def _task_form(p: Place, **extra: Any) -> dict[str, Any]:
    return {
        "title": "新建标准化厂房",
        "lead_unit": p.unit.pk,
        "start": "2026-01-01",
        "due": "2026-12-31",
        "weight": "1",
        "responsibility_note": "待指定",
        "ms-TOTAL_FORMS": "0",
        "ms-INITIAL_FORMS": "0",
        **extra,
    }


def _stamp(milestone: Any) -> str:
    from luoshi.plans.services import milestone_stamp

    return milestone_stamp(milestone)


MILESTONE = {"title": "主体完工", "due": "2026-12-01", "expected_progress": "80"}
PLAN_TEXT = "一、加快推进工业园区标准化厂房建设，年底前建成投用。\n"

PAYLOADS: dict[str, Callable[[World, Place], dict[str, Any]]] = {
    "bulletins:create": lambda w, p: bl.bulletin_form(p),
    "bulletins:section_edit": lambda w, p: bl.section_form(p),
    "bulletins:publish": lambda w, p: {},
    "bulletins:regenerate": lambda w, p: {},
    "assessment:run_create": lambda w, p: asm.run_form(),
    "assessment:system_create": lambda w, p: asm.system_form(),
    "assessment:indicator_add": lambda w, p: asm.indicator_form(p),
    "assessment:award_create": lambda w, p: asm.award_form(p),
    "assessment:rate": lambda w, p: asm.rating_form(p),
    "challenges:call_create": lambda w, p: {**ch.matrix_form(p), "task_list": p.task_list.pk},
    "challenges:call_edit": lambda w, p: {**ch.matrix_form(p), "version": ch.of(p).call.version},
    "challenges:call_publish": lambda w, p: {},
    "challenges:call_close": lambda w, p: {},
    "challenges:call_cancel": lambda w, p: {"reason": "省里已统一部署"},
    "challenges:call_decide": lambda w, p: {
        f"decision-{ch.of(p).application_to_decide.pk}": "select",
        f"note-{ch.of(p).application_to_decide.pk}": "方案完整",
    },
    "challenges:application_submit": lambda w, p: ch.application_form(p),
    "challenges:application_withdraw": lambda w, p: {},
    "challenges:pledge_sign": lambda w, p: {"commitment": "确保按期完成"},
    "logout": lambda w, p: {},
    "set_language": lambda w, p: {"language": "en"},
    "plans:task_edit": lambda w, p: _task_form(p, version=p.task.version),
    "plans:task_deadline": lambda w, p: {"deadline-new_due": "2026-11-30", "deadline-reason": "汛期停工"},
    "plans:task_cancel": lambda w, p: {"cancel-reason": "项目已由省里统筹实施"},
    "plans:milestone_add": lambda w, p: MILESTONE,
    "plans:task_create": lambda w, p: _task_form(p),
    "plans:task_decompose": lambda w, p: _task_form(p),
    "plans:milestone_edit": lambda w, p: {**MILESTONE, "version": _stamp(p.milestone)},
    "plans:milestone_delete": lambda w, p: {},
    "plans:milestone_confirm": lambda w, p: {},
    "plans:delivery_submit": lambda w, p: {"statement": "厂房已建成投用"},
    "plans:contribution_submit": lambda w, p: {"unit": p.co_unit.pk, "statement": "完成了供地手续"},
    "plans:delivery_file_remove": lambda w, p: {},
    "plans:delivery_accept": lambda w, p: {},
    "plans:delivery_reject": lambda w, p: {"reason": "缺少竣工验收材料"},
    "dispatch:report_detail": lambda w, p: {
        "percent": "60",
        "progress": "主体完工",
        "version": p.pending_report.version,
        "idempotency_key": "matrix-1",
        "action": "submit",
    },
    "dispatch:report_return": lambda w, p: {"comment": "请补充佐证材料"},
    "dispatch:report_accept": lambda w, p: {},
    "dispatch:report_approve": lambda w, p: {},
    "dispatch:evidence_remove": lambda w, p: {},
    "dispatch:cadence_list": lambda w, p: {
        "task_list": p.task_list.pk,
        "name": "两周一汇报",
        "frequency": "weekly",
        "anchor": "2026-01-05",
        "due_weekday": "4",
        "due_time": "17:00",
        "grace_minutes": "0",
        "lead_days_per_level": "1",
    },
    "dispatch:cycle_accept": lambda w, p: {"report": [p.submitted_report.pk]},
    "dispatch:cycle_chase": lambda w, p: {},
    "notify:notice_read": lambda w, p: {},
    "notify:notice_read_all": lambda w, p: {},
    "notify:robot_add": lambda w, p: {
        "platform": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=matrix",
    },
    "notify:robot_toggle": lambda w, p: {},
    "notify:robot_test": lambda w, p: {},
    "notify:robot_delete": lambda w, p: {},
    "notify:hook_add": lambda w, p: {
        "unit": p.unit.pk,
        "url": "https://hooks.example.com/matrix",
        "events": ["report.submitted", "task.red"],
    },
    "notify:hook_toggle": lambda w, p: {},
    "notify:hook_delete": lambda w, p: {},
    "notify:hook_replay": lambda w, p: {},
    "accounts:password_change": lambda w, p: {
        "old_password": PASSWORD,
        "new_password1": "Qingshan-river-bend-2026",
        "new_password2": "Qingshan-river-bend-2026",
    },
    "accounts:sign_out_everywhere": lambda w, p: {},
    "accounts:reset_password": lambda w, p: {},
    "accounts:identity_link": lambda w, p: {"subject": "gov-matrix"},
    "accounts:identity_unlink": lambda w, p: {},
    "api_tokens:list": lambda w, p: {
        "name": "数据同步",
        "expires_on": (core_clock.today() + dt.timedelta(days=90)).isoformat(),
    },
    "api_tokens:revoke": lambda w, p: {},
    "api:submit": lambda w, p: {},
    "dispatch:ladder_add": lambda w, p: _rung_form(name="通报", missed_in_a_row="8"),
    "dispatch:ladder_edit": lambda w, p: _rung_form(name="约谈", missed_in_a_row="7"),
    "dispatch:ladder_delete": lambda w, p: {"seen": _rung_form()["seen"]},
    "orgs:unit_create": lambda w, p: {"name": "新建园区", "kind": "park", "category": "park"},
    "orgs:unit_edit": lambda w, p: {
        "name": f"{p.unit.name}（更名）",
        "short_name": "",
        "kind": p.unit.kind,
        "category": p.unit.category,
        "sort_order": "1",
    },
    # 青山镇 goes under 龙泉镇, 白沙县 under 青山县: a new parent, managed by whoever may move it.
    "orgs:unit_move": lambda w, p: {
        "parent": (w.city.longquan_town if p.unit == w.city.qingshan_town else w.city.qingshan).pk
    },
    "orgs:unit_deactivate": lambda w, p: {},
    "orgs:person_create": lambda w, p: {"username": "matrix.new", "full_name": "新同志", "role": "liaison"},
    "orgs:person_edit": lambda w, p: {"full_name": "李明", "unit": p.unit.pk, "role": "liaison"},
    "orgs:person_deactivate": lambda w, p: {},
    "orgs:person_unlock": lambda w, p: {},
    "orgs:import": lambda w, p: {"file": _ImportFile()},
    "orgs:import_confirm": lambda w, p: {"token": "no-dry-run-in-this-session"},
    "ingest:intake_new": lambda w, p: {
        "plan": p.task_list.plan_id,
        "text": PLAN_TEXT,
        "simplified": "on",
    },
    "ingest:sheet_upload": lambda w, p: {"file": _SheetFile()},
    "ingest:sheet_review": lambda w, p: {"action": "check", "role-0-H": "note"},
    "ingest:draft_review": lambda w, p: {
        "action": "assign",
        "selected": list(p.draft.rows.values_list("pk", flat=True)),
        "lead_unit": p.unit.pk,
    },
    "orgs:alias_list": lambda w, p: {"alias": "青山", "unit": p.unit.pk},
    "orgs:alias_generate": lambda w, p: {},
    "orgs:alias_delete": lambda w, p: {},
    "meetings:meeting_create": lambda w, p: mt.meeting_form(p.unit),
    "meetings:entry_remove": lambda w, p: {},
    "meetings:agenda_rebuild": lambda w, p: {},
    "meetings:meeting_hold": lambda w, p: {},
    "meetings:decision_record": lambda w, p: mt.decision_form(p.unit),
    "meetings:decision_withdraw": lambda w, p: {},
    "meetings:minutes_close": lambda w, p: {"minutes": "会议要求各单位抓好落实。"},
    "supervision:item_create": lambda w, p: sv.item_form(p.unit),
    "supervision:series_edit": lambda w, p: {"number_prefix": "临市督"},
    "supervision:item_sign": lambda w, p: {},
    "supervision:item_start": lambda w, p: {},
    "supervision:item_feedback": lambda w, p: {"statement": "已完成整改"},
    "supervision:extension_request": lambda w, p: {"new_due": "2027-01-31", "reason": "需协调省级部门"},
    "supervision:item_return": lambda w, p: {"reason": "缺少佐证材料"},
    "supervision:item_close": lambda w, p: {},
    "supervision:extension_decide": lambda w, p: {"decision": "grant", "reason": ""},
    "supervision:item_note": lambda w, p: {"unit": sv.co_unit(w.city, p.unit).pk, "text": "已配合办理"},
    "supervision:item_instruction": lambda w, p: {"text": "请抓紧办理"},
    "supervision:task_instruction": lambda w, p: {"text": "请督查室跟踪督办"},
    "supervision:inspection_create": lambda w, p: sv.inspection_form(p.unit),
    "supervision:finding_create": lambda w, p: sv.finding_form(p.unit),
    "supervision:finding_raise_item": lambda w, p: {},
    "supervision:rectification_close_out": lambda w, p: {"statement": "已整改到位", "evidence": _Evidence()},
    "supervision:rectification_verify": lambda w, p: {},
    "supervision:rectification_return": lambda w, p: {"reason": "佐证不足"},
    "supervision:record_create": lambda w, p: sv.record_form(p.unit),
    "supervision:record_decide": lambda w, p: {"decision": "approve", "reason": "符合容错情形，同意免责。"},
}


def _api_patterns() -> Iterator[tuple[str, list[str], list[str]]]:
    """(name, methods, path parameters) of each REST API endpoint, from the API's own OpenAPI document."""
    from luoshi.api.endpoints import api

    document = api.get_openapi_schema(path_prefix="")["paths"]
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for pattern in entry.url_patterns:
                route = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
                if route in document:
                    methods = sorted(m.upper() for m in document[route])
                    yield f"api:{pattern.name}", methods, re.findall(r"{(\w+)}", route)


# The REST API's other endpoints, from the API itself: it takes only a personal token, so a page session
# (like a visitor) gets 401 on every method an endpoint takes and 405 on GET where it takes POST only.
for _name, _methods, _params in _api_patterns():
    if _name in MATRIX:
        continue
    _row = {m: every(401) for m in _methods}
    if "GET" not in _methods:
        _row["GET"] = every(405)
    MATRIX[_name] = _row
    PUBLIC[_name] = {m: int(s.split()[0]) for m, s in _row.items()}
    if _params:
        ARGS[_name] = lambda w, p, _params=_params: dict.fromkeys(_params, p.unit.pk)
    if "POST" in _methods:
        PAYLOADS[_name] = lambda w, p: {}
MATRIX["api_unknown"] = {"GET": every(404), "POST": every(404)}  # any other /api/ address: a JSON 404
PUBLIC["api_unknown"] = {"GET": 404, "POST": 404}
PAYLOADS["api_unknown"] = lambda w, p: {}


def build_world() -> World:
    """The city with an object of every kind in each place, in the state each address acts on."""
    from luoshi.dispatch import services as dispatch
    from luoshi.dispatch.models import Report
    from luoshi.ingest import sheet_imports
    from luoshi.ingest.services import create_draft
    from luoshi.notify import outbound
    from luoshi.notify.ladder import install_default_ladder
    from luoshi.notify.models import EscalationStep
    from luoshi.notify.services import add_outbound_webhook, add_webhook, notify
    from luoshi.orgs.models import UnitAlias
    from luoshi.plans.deliveries import submit_contribution, submit_delivery
    from luoshi.plans.services import (
        MilestoneSpec,
        add_milestone,
        create_plan,
        create_task_list,
    )
    from luoshi.testing import make_weekly_cadence
    from luoshi.text.tests import task_sheets

    c = build_city()
    install_default_ladder(EscalationStep)  # a browser test's flush may have taken the migration's away
    county_plan = create_plan(title="青山县重点工作", year=2026, issuer=c.qingshan, by=c.county_supervisor)
    baisha_plan = create_plan(title="白沙县重点工作", year=2026, issuer=c.baisha, by=c.city_supervisor)
    county_list = create_task_list(plan=county_plan, name="青山县任务清单", by=c.county_supervisor)
    baisha_list = create_task_list(plan=baisha_plan, name="白沙县任务清单", by=c.city_supervisor)
    # Reports that a unit head signs off first come from a list of their own with its own rhythm.
    pledges = create_task_list(plan=c.plan, name="勇争先重点工作清单", by=c.city_supervisor)

    county_task = make_task(c, title="青山县的厂房建设", lead_unit=c.qingshan)
    town_task = make_task(
        c, by=c.county_supervisor, parent=county_task, title="青山镇的厂房", lead_unit=c.qingshan_town
    )
    baisha_task = make_task(c, title="白沙县的农村公路", lead_unit=c.baisha)
    town_pledge = make_task(c, task_list=pledges, title="青山镇的争先事项", lead_unit=c.qingshan_town)
    baisha_pledge = make_task(c, task_list=pledges, title="白沙县的争先事项", lead_unit=c.baisha)

    spec = MilestoneSpec("开工", dt.date(2026, 6, 30), 30)
    town_milestone = add_milestone(task=town_task, by=c.county_supervisor, spec=spec)
    baisha_milestone = add_milestone(task=baisha_task, by=c.city_supervisor, spec=spec)

    weekly = make_weekly_cadence(c)
    monday = dt.datetime(2026, 11, 9, 9, tzinfo=DEFAULT_NOW.tzinfo)
    last_week = dispatch.open_cycle(cadence=weekly, number=45, now=monday)
    this_week = dispatch.open_cycle(cadence=weekly, number=46, now=monday + dt.timedelta(days=7))
    signed_off = dispatch.create_cadence(
        by=c.city_supervisor,
        task_list=pledges,
        name="一周一报",
        frequency="weekly",
        anchor=dt.date(2026, 1, 5),
        due_time=dt.time(17, 0),
        needs_head_approval=True,
    )
    approval_week = dispatch.open_cycle(cadence=signed_off, number=46, now=monday + dt.timedelta(days=7))

    def report(cycle: Any, task: Any) -> Any:
        return Report.objects.get(cycle=cycle, task=task)

    def send(cycle: Any, task: Any, by: Any) -> Any:
        pending = report(cycle, task)
        return dispatch.submit_report(
            report=pending,
            by=by,
            data=dispatch.ReportData(percent=50, progress="按计划推进"),
            expected_version=pending.version,
            idempotency_key=f"setup-{pending.pk}",
        )

    def evidence(cycle: Any, task: Any, by: Any) -> Any:
        photo = SimpleUploadedFile("现场照片.pdf", b"%PDF-1.7 matrix", content_type="application/pdf")
        return dispatch.add_evidence(report=report(cycle, task), by=by, upload=photo)

    def shared(task_list: Any, lead: Any, co_unit: Any, by: Any) -> tuple[Any, Any]:
        task = make_task(c, by=by, task_list=task_list, title="园区配套", lead_unit=lead, co_units=[co_unit])
        pdf = SimpleUploadedFile("配合情况.pdf", b"%PDF-1.7 matrix", content_type="application/pdf")
        person = c.township_liaison if co_unit == c.qingshan_town else c.outsider
        contribution = submit_contribution(
            task=task, unit=co_unit, by=person, statement="完成供地", uploads=[pdf]
        )
        return task, contribution.files.get()

    # In the city's list, which 青山镇 sees already: a list of the county's it saw only through this task
    # would change what task_create answers it.
    here_shared, here_file = shared(c.economy, c.qingshan, c.qingshan_town, c.city_supervisor)
    baisha_park = make_unit("白沙县农业园区", "park", c.baisha)
    there_shared, there_file = shared(baisha_list, c.baisha, baisha_park, c.city_supervisor)

    def robot(unit: Any, by: Any) -> Any:
        url = f"https://oapi.dingtalk.com/robot/send?access_token=t{unit.pk}"
        return add_webhook(unit=unit, platform="dingtalk", url=url, by=by)

    def hook(unit: Any, by: Any) -> tuple[Any, Any]:
        made = add_outbound_webhook(unit=unit, url="https://hooks.example.com/in", events=["task.red"], by=by)
        (logged,) = outbound.emit("task.red", unit=unit, data={"task": {"id": 1}})
        return made, logged

    here_hook, here_delivery = hook(c.qingshan_town, c.county_supervisor)
    there_hook, there_delivery = hook(c.baisha, c.city_supervisor)

    def api_token(person: Any) -> Any:
        token, _ = create_token(by=person, name="同步", expires_on=core_clock.today() + dt.timedelta(days=30))
        return token

    def notice(person: Any) -> Any:
        (sent,) = notify(recipients=[person], kind="report_due", title="第46期催报", body="请按时报送")
        return sent

    here = Place(
        unit=c.qingshan_town,
        spare=make_unit("青山镇社区", "township", c.qingshan_town),
        person=c.township_liaison,
        task=town_task,
        parent=county_task,
        task_list=county_list,
        milestone=town_milestone,
        delivery=submit_delivery(task=town_pledge, by=c.township_liaison, statement="已完成"),
        shared=here_shared,
        co_unit=c.qingshan_town,
        delivery_file=here_file,
        pending_report=report(this_week, town_task),
        submitted_report=send(last_week, town_task, c.township_liaison),
        awaiting_report=send(approval_week, town_pledge, c.township_liaison),
        evidence=evidence(this_week, town_task, c.township_liaison),
        notice=notice(c.township_liaison),
        robot=robot(c.qingshan_town, c.county_supervisor),
        hook=here_hook,
        hook_delivery=here_delivery,
        draft=create_draft(
            plan=county_plan, by=c.county_supervisor, source_name="方案.txt", raw_text=PLAN_TEXT
        ),
        sheet_import=sheet_imports.upload(
            task_list=county_list, by=c.county_supervisor, name="台账.xlsx", data=task_sheets.ledger_table()
        ),
        alias=UnitAlias.objects.create(alias="青山", unit=c.qingshan),
        token=api_token(c.township_liaison),
    )
    there = Place(
        unit=c.baisha,
        spare=make_unit("白沙县园区", "park", c.baisha),
        person=c.outsider,
        task=baisha_task,
        parent=baisha_task,
        task_list=baisha_list,
        milestone=baisha_milestone,
        delivery=submit_delivery(task=baisha_pledge, by=c.outsider, statement="已完成"),
        shared=there_shared,
        co_unit=baisha_park,
        delivery_file=there_file,
        pending_report=report(this_week, baisha_task),
        submitted_report=send(last_week, baisha_task, c.outsider),
        awaiting_report=send(approval_week, baisha_pledge, c.outsider),
        evidence=evidence(this_week, baisha_task, c.outsider),
        notice=notice(c.outsider),
        robot=robot(c.baisha, c.city_supervisor),
        hook=there_hook,
        hook_delivery=there_delivery,
        draft=create_draft(
            plan=baisha_plan, by=c.city_supervisor, source_name="方案.txt", raw_text=PLAN_TEXT
        ),
        sheet_import=sheet_imports.upload(
            task_list=baisha_list, by=c.city_supervisor, name="台账.xlsx", data=task_sheets.ledger_table()
        ),
        alias=UnitAlias.objects.create(alias="白沙", unit=c.baisha),
        token=api_token(c.outsider),
    )
    sv.build(c, (c.qingshan_town, c.baisha))
    sv.build_accountability(c, (c.qingshan_town, c.baisha))
    bl.build_matrix(c)  # 通报: 青山县's office's draft on 青山镇 (HERE), the city's on 白沙县 (THERE)
    asm.build_matrix(c)  # 考核: 青山县's system of townships (HERE) and the city's of counties (THERE)
    mt.build(c, (c.qingshan_town, c.baisha))  # 调度会: 青山县's office's for 青山镇, the city's for 白沙县
    sv.build_inspections(c, (c.qingshan_town, c.baisha))
    ch.build_matrix(c)  # 揭榜挂帅: calls of 青山县's office (HERE) and of the city open to 白沙县 (THERE)
    sessions = {}
    for persona in PERSONAS:
        client = Client()
        client.force_login(getattr(c, persona))
        sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(city=c, here=here, there=there, cycle=last_week, sessions=sessions)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One city for the whole module, built in a transaction that is rolled back at its end."""
    md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=md5), undone():
        Clock(DEFAULT_NOW)
        try:
            yield build_world()
        finally:
            core_clock.set_now(None)


@contextmanager
def undone() -> Iterator[None]:
    """A transaction rolled back at its end, inside which a durable one (submit_report's) may still run.

    Django lets a durable block nest only in a TestCase's own transaction, which it marks this way.
    """
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    with block:
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def robot_platforms(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The group robots' servers (the outside world): every message reaches them."""
    from luoshi.notify import channels

    sent: list[str] = []
    monkeypatch.setattr(channels, "post_json", lambda url, payload: sent.append(url))
    return sent


@pytest.fixture(autouse=True)
def hook_receivers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The outbound webhooks' receivers (the outside world): every replay reaches them."""
    from luoshi.notify import egress, outbound

    sent: list[str] = []

    def post(url: str, body: bytes, **_: Any) -> egress.Answer:
        sent.append(url)
        return egress.Answer(204, "No Content", b"", "")

    monkeypatch.setattr(outbound.egress, "post", post)
    return sent


def footprint() -> tuple[int, ...]:
    """What has been written to every Luoshi table, the audit trail's among them: a refusal leaves it."""
    return testing.footprint(_luoshi_tables())


@cache
def _luoshi_tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m.__module__.startswith("luoshi.")})


def answer(
    world: World, persona: str | None, method: str, url: str, data: dict[str, Any]
) -> tuple[Any, bool]:
    """The response `persona` (None: signed out) gets, and whether anything was written; then undo it all."""
    client = world.client
    client.cookies = SimpleCookie()  # nothing from the last request: only the persona's session, if any
    if persona is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    with undone():
        before = footprint()
        response = client.get(url) if method == "GET" else client.post(url, data)
        wrote = footprint() != before
    return response, wrote


def ask(world: World, persona: str | None, method: str, url: str, data: dict[str, Any]) -> tuple[int, bool]:
    response, wrote = answer(world, persona, method, url, data)
    return response.status_code, wrote


def requests_of(world: World, name: str) -> Iterator[tuple[str, str, str, dict[str, Any], list[int]]]:
    """(label, method, URL, POST data, expected statuses) for each line of a MATRIX row."""
    for key, statuses in MATRIX[name].items():
        method, _, place_name = key.partition(" ")
        expected = [int(s) for s in statuses.split()]
        assert len(expected) == len(PERSONAS), f"{name} {key}: {len(expected)} statuses"
        place = getattr(world, place_name) if place_name else world.here
        kwargs = ARGS[name](world, place) if name in ARGS else {}
        data = PAYLOADS[name](world, place) if method == "POST" else {}
        yield key, method, reverse(name, kwargs=kwargs), data, expected


def pattern_names() -> list[str]:
    """The name of every URL pattern the site serves, namespaced includes walked."""
    names: list[str] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
                walk(entry, inner)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"an unnamed URL pattern {entry.pattern} cannot have a matrix row"
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver(), "")
    return names


def test_every_url_pattern_has_a_row() -> None:
    every_name = pattern_names()
    names = set(every_name)
    twice = sorted(n for n in names if every_name.count(n) > 1)
    assert twice == [], "a name given to two patterns hides one of them from reverse() and the matrix"
    assert sorted(names - MATRIX.keys()) == [], "new URL patterns: add their rows (see the module docstring)"
    assert sorted(MATRIX.keys() - names) == [], "rows for patterns that no longer exist"


def _row(name: str) -> Any:
    if name in FINDINGS:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=FINDINGS[name]))
    return name


@pytest.mark.parametrize("name", [_row(n) for n in sorted(MATRIX)])
def test_each_persona_gets_the_status_of_its_row(world: World, db: Any, name: str) -> None:
    wrong: list[str] = []
    for label, method, url, data, expected in requests_of(world, name):
        for persona, status in zip(PERSONAS, expected, strict=True):
            got, wrote = ask(world, persona, method, url, data)
            if got != status:
                wrong.append(f"{label} {url} as {persona}: {got}, expected {status}")
            success = method == "POST" and status == SUCCESS.get(name, 302)
            if wrote and not success:
                wrong.append(f"{label} {url} as {persona}: answered {got} but wrote")
            if success and got == status and not wrote and name not in SUCCESS_WITHOUT_WRITE:
                wrong.append(f"{label} {url} as {persona}: answered {got} but wrote nothing (see PAYLOADS)")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_signed_out_visitor_is_sent_to_sign_in(world: World, db: Any, name: str) -> None:
    wrong: list[str] = []
    sign_in = reverse(settings.LOGIN_URL) + "?next="
    for label, method, url, data, expected in requests_of(world, name):
        response, wrote = answer(world, None, method, url, data)
        got = response.status_code
        if name in PUBLIC:
            if got != PUBLIC[name][method]:
                wrong.append(f"{label} {url}: {got}, expected {PUBLIC[name][method]}")
        elif got == 405 and set(expected) == {405}:
            pass  # a method nobody may use can be refused before asking who is there
        elif got != 302 or not response["Location"].startswith(sign_in):
            wrong.append(f"{label} {url}: {got}, expected a redirect to sign in")
        if wrote and name not in PUBLIC:
            wrong.append(f"{label} {url}: answered {got} but wrote")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(ARGS))
def test_an_address_of_nothing_answers_404(world: World, db: Any, name: str) -> None:
    """Even to an admin, who sees everything: a missing object is a 404, never a 500."""
    url = reverse(name, kwargs={key: 10**9 for key in ARGS[name](world, world.here)})
    data = PAYLOADS[name](world, world.here) if name in PAYLOADS else {}
    for key, statuses in MATRIX[name].items():
        method = key.partition(" ")[0]
        refused = set(statuses.split())
        # 405 for a method nobody may use; 401 where only an API token opens the door (the API's own tests
        # ask for missing objects with tokens).
        expected = int(refused.pop()) if refused in ({"405"}, {"401"}) else 404
        assert ask(world, "admin", method, url, data) == (expected, False), f"{method} {url}"


def test_only_an_admin_enters_the_admin(world: World, db: Any) -> None:
    statuses = {persona: ask(world, persona, "GET", reverse("admin:index"), {})[0] for persona in PERSONAS}
    assert statuses == {persona: 200 if persona == "admin" else 302 for persona in PERSONAS}
