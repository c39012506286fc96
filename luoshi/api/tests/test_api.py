"""The REST API with personal tokens: each persona's token sees exactly its user's scope, everywhere."""

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client

from luoshi.api import services as tokens
from luoshi.api.endpoints import api
from luoshi.api.models import ApiToken
from luoshi.api.tests.conftest import PERSONAS, token_of
from luoshi.audit.models import AuditEvent
from luoshi.dispatch.models import Report, ReportState, Submission
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Task

# Each path parameter names the model whose objects it takes, and how a user's visible ones are found. A new
# endpoint with a parameter not named here fails test_every_endpoint_is_enumerated until it is added.
PARAMS: dict[str, Any] = {
    "task_id": lambda user: Task.objects.visible_to(user),
    "report_id": lambda user: Report.objects.visible_to(user),
}
LISTS: dict[str, Any] = {
    "/api/units": (Unit, policy.visible_units),
    "/api/tasks": (Task, lambda user: Task.objects.visible_to(user)),
    "/api/reports": (Report, lambda user: Report.objects.visible_to(user)),
}
MODELS = {"task_id": Task, "report_id": Report}
SUBMIT = {"percent": 60, "progress": "完成主体结构封顶，累计完成投资2.3亿元。"}


def endpoints() -> list[tuple[str, str, list[str]]]:
    """(method, path template, its path parameters) of every operation in the OpenAPI document."""
    found = []
    for path, operations in api.get_openapi_schema(path_prefix="/api/")["paths"].items():
        for method in operations:
            found.append((method.upper(), path, re.findall(r"{(\w+)}", path)))
    return found


def call(client: Client, secret: str | None, method: str, url: str, **headers: str) -> Any:
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if method == "GET":
        return client.get(url, headers=headers)
    headers.setdefault("Idempotency-Key", "k-" + url)
    headers.setdefault("If-Match", '"1"')
    return client.post(url, json.dumps(SUBMIT), content_type="application/json", headers=headers)


def test_every_endpoint_is_enumerated() -> None:
    for method, path, params in endpoints():
        if params:
            assert set(params) <= PARAMS.keys(), f"{method} {path}: say which objects its parameters take"
        else:
            assert path in LISTS, f"{method} {path}: say what its list holds"


def test_each_persona_gets_404_on_every_object_outside_its_scope_on_every_endpoint(city, corner) -> None:
    client = Client()
    checked = 0
    for persona in PERSONAS:
        user = getattr(city, persona)
        secret = token_of(user)
        for method, path, params in endpoints():
            for name in params:
                model = MODELS[name]
                outside = model.objects.exclude(pk__in=PARAMS[name](user).values("pk"))
                for pk in outside.values_list("pk", flat=True):
                    url = path.replace("{" + name + "}", str(pk))
                    response = call(client, secret, method, url)
                    assert response.status_code == 404, f"{persona} {method} {url}: {response.status_code}"
                    assert response["Content-Type"] == "application/problem+json"
                    checked += 1
    # Not a vacuous pass: the outsider alone cannot see 青山县's three tasks and their reports.
    assert checked > 20
    assert Submission.objects.count() == 0


def test_each_list_holds_exactly_what_the_persona_sees(city, corner) -> None:
    client = Client()
    for persona in PERSONAS:
        user = getattr(city, persona)
        secret = token_of(user)
        for path, (_model, visible) in LISTS.items():
            body = call(client, secret, "GET", path + "?limit=1000").json()
            got = sorted(item["id"] for item in body["items"])
            assert got == sorted(visible(user).values_list("pk", flat=True)), f"{persona} {path}"
            assert body["count"] == len(got)
    outsider = token_of(city.outsider)
    baisha_only = call(client, outsider, "GET", "/api/tasks").json()["items"]
    assert [t["title"] for t in baisha_only] == ["白沙县农村公路提档升级"]


def test_a_task_inside_the_scope_answers_with_its_version_as_etag(city, corner) -> None:
    response = call(Client(), token_of(city.township_liaison), "GET", f"/api/tasks/{corner.town_task.pk}")
    assert response.status_code == 200
    assert response.json()["title"] == corner.town_task.title == "青山镇片区厂房"
    assert response["ETag"] == f'"{corner.town_task.version}"'


def test_tasks_are_paged_and_filtered_by_unit(city, corner) -> None:
    secret = token_of(city.city_supervisor)
    client = Client()
    page = call(client, secret, "GET", "/api/tasks?limit=1&offset=1").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    by_unit = call(client, secret, "GET", f"/api/tasks?unit={city.baisha.pk}").json()
    assert [t["id"] for t in by_unit["items"]] == [corner.baisha_task.pk]


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "missing", "not a token"])
def test_a_dead_token_gets_401_on_every_endpoint(city, corner, clock, how) -> None:
    secret = token_of(city.township_liaison, days=3)
    token = ApiToken.objects.get()
    if how == "revoked":
        tokens.revoke_token(token=token, by=city.township_liaison)
    elif how == "expired":
        clock.advance(days=4)
    elif how == "unknown":
        secret = "ls_" + "x" * 43
    elif how == "not a token":
        secret = "Basic dXNlcjpwYXNz"
    client = Client()
    report = corner.town_report
    for method, path, _params in endpoints():
        url = path.replace("{task_id}", str(corner.town_task.pk)).replace("{report_id}", str(report.pk))
        response = call(client, None if how == "missing" else secret, method, url)
        assert response.status_code == 401, f"{how} {method} {url}"
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING


def test_a_replayed_submit_answers_the_same_and_writes_once(city, corner) -> None:
    secret = token_of(city.township_liaison)
    client = Client()
    url = f"/api/reports/{corner.town_report.pk}/submit"
    first = call(client, secret, "POST", url, **{"Idempotency-Key": "sync-2026-47", "If-Match": '"1"'})
    again = call(client, secret, "POST", url, **{"Idempotency-Key": "sync-2026-47", "If-Match": '"1"'})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["state"] == ReportState.SUBMITTED and first.json()["percent"] == 60
    assert first["ETag"] == again["ETag"] == '"2"'
    assert Submission.objects.filter(report=corner.town_report).count() == 1
    assert AuditEvent.objects.filter(action="report.submit").count() == 1
    fetched = call(client, secret, "GET", f"/api/reports/{corner.town_report.pk}")
    assert fetched["ETag"] == '"2"' and fetched.json()["progress"] == SUBMIT["progress"]


def test_a_stale_if_match_gets_412_and_writes_nothing(city, corner) -> None:
    secret = token_of(city.township_liaison)
    response = call(
        Client(), secret, "POST", f"/api/reports/{corner.town_report.pk}/submit", **{"If-Match": '"7"'}
    )
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"].keys() == {"If-Match"}
    assert response["ETag"] == '"1"'
    assert Submission.objects.count() == 0


def test_a_submit_without_its_headers_or_progress_names_the_field(city, corner) -> None:
    secret = token_of(city.township_liaison)
    client = Client()
    url = f"/api/reports/{corner.town_report.pk}/submit"
    bare = client.post(
        url, "{}", content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert bare.status_code == 422
    assert set(bare.json()["errors"]) == {"header.Idempotency-Key", "header.If-Match"}
    empty = client.post(
        url,
        json.dumps({"percent": 50}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "a", "If-Match": '"1"'},
    )
    assert empty.status_code == 422 and empty["Content-Type"] == "application/problem+json"
    assert list(empty.json()["errors"]) == ["progress"]
    assert Submission.objects.count() == 0


def test_a_key_too_long_or_used_for_another_report_names_the_header(city, corner) -> None:
    secret = token_of(city.township_liaison)
    client = Client()
    url = f"/api/reports/{corner.town_report.pk}/submit"
    too_long = call(client, secret, "POST", url, **{"Idempotency-Key": "k" * 65})
    assert too_long.status_code == 422 and list(too_long.json()["errors"]) == ["Idempotency-Key"]
    Submission.objects.create(
        report=corner.baisha_report,
        idempotency_key="used",
        version=2,
        content={},
        submitted_by=city.outsider,
        submitted_at=corner.baisha_report.due_at,
    )
    reused = call(client, secret, "POST", url, **{"Idempotency-Key": "used"})
    assert reused.status_code == 422 and list(reused.json()["errors"]) == ["Idempotency-Key"]
    assert Submission.objects.filter(report=corner.town_report).count() == 0


def test_a_report_seen_but_not_to_be_sent_by_the_persona_is_403(city, corner) -> None:
    secret = token_of(city.city_supervisor)  # sees every report; sends none for 青山镇
    response = call(Client(), secret, "POST", f"/api/reports/{corner.town_report.pk}/submit")
    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_a_tokens_use_is_recorded_once_a_minute_and_audited_once_a_day(city, corner, clock) -> None:
    secret = token_of(city.county_liaison)
    client = Client()
    for _ in range(3):
        assert call(client, secret, "GET", "/api/units").status_code == 200
    token = ApiToken.objects.get()
    first_use = token.last_used_at
    assert first_use is not None
    clock.advance(minutes=2)
    call(client, secret, "GET", "/api/units")
    token.refresh_from_db()
    assert token.last_used_at > first_use
    assert AuditEvent.objects.filter(action="api_token.use").count() == 1
    clock.advance(days=1)
    call(client, secret, "GET", "/api/units")
    assert AuditEvent.objects.filter(action="api_token.use").count() == 2


def test_a_token_is_refused_beyond_a_year_and_stored_only_as_its_digest(city, clock) -> None:
    from django.core.exceptions import ValidationError

    today = clock.today()
    with pytest.raises(ValidationError) as refused:
        tokens.create_token(by=city.leader, name="太久", expires_on=today + dt.timedelta(days=400))
    assert "expires_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        tokens.create_token(by=city.leader, name=" ", expires_on=today + dt.timedelta(days=10))
    assert ApiToken.objects.count() == 0
    token, secret = tokens.create_token(
        by=city.leader, name="大屏", expires_on=today + dt.timedelta(days=365)
    )
    assert secret.startswith("ls_") and len(secret) > 40
    assert secret not in json.dumps([e.after for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert token.valid_through == today + dt.timedelta(days=365)
    assert token.digest == tokens.digest_of(secret) and secret not in (token.prefix, token.digest)
    assert AuditEvent.objects.filter(action="api_token.create").count() == 1


def test_the_account_page_creates_shows_once_lists_and_revokes(city, clock) -> None:
    client = Client()
    client.force_login(city.county_liaison)
    expires = (clock.today() + dt.timedelta(days=90)).isoformat()
    created = client.post("/accounts/tokens/", {"name": "数据同步", "expires_on": expires})
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret in created.content.decode()
    listing = client.get("/accounts/tokens/").content.decode()
    assert "数据同步" in listing and secret not in listing
    assert "已过期" not in listing
    clock.set(clock.today() + dt.timedelta(days=91))
    client.force_login(city.county_liaison)  # the session itself has ended meanwhile
    assert "已过期" in client.get("/accounts/tokens/").content.decode()
    clock.set(clock.today() - dt.timedelta(days=91))
    client.force_login(city.county_liaison)
    token = ApiToken.objects.get()
    other = Client()
    other.force_login(city.outsider)
    assert other.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    assert call(Client(), secret, "GET", "/api/units").status_code == 401


def test_the_docs_page_loads_nothing_from_another_host(city) -> None:
    client = Client()
    client.force_login(city.leader)
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "default-src 'self'" in page["Content-Security-Policy"]
    document = client.get("/api/openapi.json").json()
    assert "/api/reports/{report_id}/submit" in document["paths"]
