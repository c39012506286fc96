"""Every endpoint, enumerated from the OpenAPI document, asked by a token of each persona about every object
outside its scope (404, nothing written), every list holding exactly what the persona sees, and a dead
token refused (401) everywhere."""

import re

import pytest
from django.test import Client

from luoshi.api import services as tokens
from luoshi.api.models import ApiToken
from luoshi.api.tests.conftest import PERSONAS, token_of
from luoshi.api.tests.scope import BODIES, LISTS, NESTED_LISTS, PARAMS, body_for, call, endpoints
from luoshi.audit.models import AuditEvent
from luoshi.bulletins.models import Bulletin
from luoshi.dispatch.models import Report, ReportState
from luoshi.plans.models import Delivery, Task
from luoshi.supervision.models import SupervisionItem


def test_every_endpoint_is_enumerated() -> None:
    found = endpoints()
    assert len(found) >= 30
    for method, path, params in found:
        if params:
            assert set(params) <= PARAMS.keys(), f"{method} {path}: say which objects its parameters take"
            if method == "GET" and path.endswith("s") and not path.endswith(tuple("}")):
                assert path in NESTED_LISTS, f"{method} {path}: say what its list holds"
        else:
            assert path in LISTS or path in BODIES, f"{method} {path}: say what its list holds"
        if method == "POST":
            assert path in BODIES or path.endswith("/accept"), f"{method} {path}: give a body in BODIES"


def test_each_persona_gets_404_on_every_object_outside_its_scope_on_every_endpoint(city, world) -> None:
    client = Client()
    with_ids = [e for e in endpoints() if e[2]]
    for persona in PERSONAS:
        user = getattr(city, persona)
        secret = token_of(user)
        events = AuditEvent.objects.count()
        checked = 0
        for method, path, params in with_ids:
            for name in params:
                model, visible = PARAMS[name]
                outside = model.objects.exclude(pk__in=visible(user).values("pk")).values_list(
                    "pk", flat=True
                )
                inside = visible(user).values_list("pk", flat=True).first()
                for pk in [*outside, 10**9]:
                    url = path
                    for other in params:  # any other parameter takes an object the persona does see
                        url = url.replace("{" + other + "}", str(pk if other == name else inside))
                    response = call(client, secret, method, url, body_for(path))
                    assert response.status_code == 404, f"{persona} {method} {url}: {response.status_code}"
                    assert response["Content-Type"] == "application/problem+json"
                    assert response.json()["status"] == 404
                    checked += 1
        # The token's first use is audited, nothing else: no write went through.
        assert AuditEvent.objects.count() == events + 1, persona
        assert checked >= len(with_ids)  # at least the missing object on each endpoint
        if persona not in ("admin", "city_supervisor", "leader"):  # who see all but the admin
            assert checked > 2 * len(with_ids), persona


def test_each_list_holds_exactly_what_the_persona_sees(city, world) -> None:
    client = Client()
    for persona in PERSONAS:
        user = getattr(city, persona)
        secret = token_of(user)
        for path, visible in LISTS.items():
            body = call(client, secret, "GET", path + "?limit=200").json()
            got = sorted(item["id"] for item in body["items"])
            assert got == sorted(visible(user).values_list("pk", flat=True)), f"{persona} {path}"
            assert body["count"] == len(got) < 200
        for path, rows in NESTED_LISTS.items():
            for pk in PARAMS["run_id"][1](user).values_list("pk", flat=True):
                body = call(client, secret, "GET", path.replace("{run_id}", str(pk)) + "?limit=200").json()
                expected = sorted(rows(pk).values_list("pk", flat=True))
                assert sorted(i["id"] for i in body["items"]) == expected, f"{persona} {path}"


def test_scope_follows_the_pages_in_plain_words(city, world) -> None:
    client = Client()

    def ids(persona: str, path: str) -> set[int]:
        return {i["id"] for i in call(client, token_of(getattr(city, persona)), "GET", path).json()["items"]}

    town_items = set(
        SupervisionItem.objects.filter(lead_unit=city.qingshan_town).values_list("pk", flat=True)
    )
    assert town_items and town_items <= ids("county_liaison", "/api/supervision/items?limit=200")
    assert not town_items & ids("outsider", "/api/supervision/items?limit=200")
    # A draft bulletin is its office's; a published one reaches the units it covers and the offices above.
    draft, published = world.draft_bulletin.pk, world.published_bulletin.pk
    assert ids("county_supervisor", "/api/bulletins") == {draft}
    assert ids("township_liaison", "/api/bulletins") == set()
    assert ids("outsider", "/api/bulletins") == {published}
    assert ids("leader", "/api/bulletins") == {published}
    assert ids("city_supervisor", "/api/bulletins") == {draft, published}  # it supervises 青山县's office
    assert world.baisha_delivery.pk not in ids("department_liaison", "/api/deliveries")
    assert ids("township_liaison", "/api/deliveries") == {world.town_delivery.pk}
    people = ids("township_liaison", "/api/people?limit=200")
    assert (
        city.township_liaison.pk in people and city.outsider.pk not in people and city.admin.pk not in people
    )
    assert city.admin.pk in ids("admin", "/api/people?limit=200")
    assert Bulletin.objects.count() == 2 and Delivery.objects.count() == 2


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
    inside = {
        "task_id": corner.town_task.pk,
        "report_id": report.pk,
        "list_id": corner.town_task.task_list_id,
    }
    for method, path, params in endpoints():
        url = path
        for name in params:
            url = url.replace("{" + name + "}", str(inside.get(name, 1)))
        response = call(client, None if how == "missing" else secret, method, url, body_for(path))
        assert response.status_code == 401, f"{how} {method} {url}"
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
    assert Report.objects.get(pk=report.pk).state == ReportState.PENDING
    assert Task.objects.count() == 3


def test_no_list_asks_the_database_once_per_object(city, world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    secret = token_of(city.admin)  # sees every object: the fullest pages
    call(client, secret, "GET", "/api/units")  # the token's first use is recorded once
    run = PARAMS["run_id"][1](city.admin).first()
    paths = [*LISTS, *(p.replace("{run_id}", str(run.pk)) for p in NESTED_LISTS)]
    for path in paths:
        counts = []
        for limit in (1, 200):
            with CaptureQueriesContext(connection) as queries:
                response = call(client, secret, "GET", f"{path}?limit={limit}")
            assert response.status_code == 200
            counts.append(len(queries))
        assert len(response.json()["items"]) > 1, path  # the test has something to multiply
        assert counts[0] == counts[1], f"{path}: {counts[0]} queries for one object, {counts[1]} for all"


def test_every_answer_matches_what_the_document_declares(city, world) -> None:
    """What schemathesis checks in CI, here for every endpoint: the status is declared, and the body has the
    declared content type and validates against the declared schema."""
    import json

    from openapi_schema_validator import OAS31Validator

    from luoshi.api.endpoints import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
    client = Client()
    checked = 0
    for persona in ("township_liaison", "admin"):
        user = getattr(city, persona)
        secret = token_of(user)
        for method, path, params in endpoints():
            inside = {name: PARAMS[name][1](user).values_list("pk", flat=True).first() for name in params}
            urls = [path]
            for name in params:
                urls = [u.replace("{" + name + "}", str(inside[name] or 10**9)) for u in urls]
            if params:
                urls.append(re.sub(r"{\w+}", str(10**9), path))  # and a missing object
            for url in urls:
                response = call(client, secret, method, url, body_for(path), **{"If-Match": '"999"'})
                declared = document["paths"][path][method.lower()]["responses"]
                status = str(response.status_code)
                assert status in declared, f"{persona} {method} {url}: {status} not declared"
                (media, spec), *_ = declared[status]["content"].items()
                assert response["Content-Type"].split(";")[0] == media, f"{method} {url}"
                schema = {**spec["schema"], "components": document["components"]}
                errors = [e.message for e in OAS31Validator(schema).iter_errors(response.json())]
                assert not errors, f"{persona} {method} {url} {status}: {errors}"
                checked += 1
    assert checked > 2 * len(endpoints())
