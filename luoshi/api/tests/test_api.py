"""The REST API with personal tokens: each persona's token sees exactly its user's scope, everywhere."""

import datetime as dt
import json
import re

import pytest
from django.test import Client

from luoshi.api import services as tokens
from luoshi.api.models import ApiToken
from luoshi.api.tests.conftest import token_of
from luoshi.api.tests.scope import BODIES, call
from luoshi.audit.models import AuditEvent
from luoshi.dispatch.models import ReportState, Submission

SUBMIT = BODIES["/api/reports/{report_id}/submit"]


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
    assert set(bare.json()["errors"]) == {"header.Idempotency-Key"}
    unconditional = client.post(
        url,
        json.dumps(SUBMIT),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "a"},
    )
    assert unconditional.status_code == 428  # Precondition Required: never a blind overwrite
    assert unconditional["Content-Type"] == "application/problem+json"
    assert list(unconditional.json()["errors"]) == ["If-Match"]
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
