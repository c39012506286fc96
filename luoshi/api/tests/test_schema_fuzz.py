"""The whole OpenAPI document run by schemathesis against a live server, with real tokens of several roles
(issue 14), over a city with an object of every kind the API serves (the API tests' `world`).

Every operation of the document the server publishes gets requests generated from its own declarations
(parameters, headers, bodies, valid and not), sent over real HTTP with the token of a person drawn from
several roles. A path's ids are drawn from the city's own rows as well as at random, so requests reach
objects each role may and may not see. Each answer must be no server error and must match the document:
its status declared for the operation, its content type, its body's schema and its declared headers.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from luoshi.api.endpoints import api
from luoshi.api.tests.conftest import token_of

ROLES = ["township_liaison", "county_liaison", "department_liaison", "county_supervisor", "leader", "admin"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = 30  # per operation; each draws its role, so every operation meets several roles
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
APPS = ("orgs", "plans", "dispatch", "supervision", "challenges", "assessment", "bulletins")


def ids_in(city_apps: tuple[str, ...]) -> list[int]:
    """The primary keys of the city's rows in the apps the API serves: a path's id is often a real one."""
    found: set[int] = set()
    for label in city_apps:
        for model in apps.get_app_config(label).get_models():
            if model._meta.pk is not None and model._meta.pk.get_internal_type() in (
                "AutoField",
                "BigAutoField",
            ):
                found.update(model._default_manager.values_list("pk", flat=True)[:200])
    return sorted(found)


def test_every_operation_answers_as_its_document_says(live_server: Any, city: Any, world: Any) -> None:
    document = api.get_openapi_schema(path_prefix="/api")
    schema = schemathesis.openapi.from_dict(document)
    secrets = {role: token_of(getattr(city, role)) for role in ROLES}
    ids = st.one_of(st.sampled_from(ids_in(APPS)), st.integers(min_value=-(2**31), max_value=2**31))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in document["paths"].values())
    calls: dict[str, set[int]] = {}

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy(), role=st.sampled_from(ROLES), data=st.data())
        def answers(case: Any, role: str, data: st.DataObject) -> None:
            for name in list(case.path_parameters or {}):
                case.path_parameters[name] = data.draw(ids, label=name)
            if case.headers and "If-Match" in case.headers:  # often a version the object may be at
                versions = st.sampled_from(['"1"', '"2"', '"3"'])
                case.headers["If-Match"] = data.draw(st.one_of(versions, st.just(case.headers["If-Match"])))
            headers = {"Authorization": f"Bearer {secrets[role]}"}
            response = case.call(base_url=live_server.url, headers=headers, timeout=30)
            calls.setdefault(f"{case.method.upper()} {case.path}", set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS, headers=headers)

        answers()
    # Each operation was called, and the ids reached objects some role may see as well as those it may not.
    assert set(calls) == {f"{o.method.upper()} {o.path}" for o in operations}
    assert any(200 in codes for codes in calls.values())
