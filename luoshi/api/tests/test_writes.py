"""The API's writes: the pages' services behind an Idempotency-Key (a retry answered once, a reused key
refused) and If-Match (428 without it, 412 when stale); paging capped; every error a problem."""

import datetime as dt
import json
from typing import Any

from django.test import Client
from openapi_spec_validator import validate

from luoshi.api import idempotency
from luoshi.api.common import MAX_LIMIT
from luoshi.api.endpoints import api
from luoshi.api.models import IdempotencyKey
from luoshi.api.tests.conftest import token_of
from luoshi.api.tests.scope import call, endpoints
from luoshi.audit.models import AuditEvent
from luoshi.dispatch import services as dispatch
from luoshi.dispatch.models import ReportState
from luoshi.plans.deliveries import submit_delivery
from luoshi.plans.models import Delivery, Task
from luoshi.supervision import services as supervision
from luoshi.supervision.models import Feedback

NEW_TASK = {
    "title": "白沙县冷链物流园建设",
    "start": "2026-01-01",
    "due": "2026-12-31",
    "responsibility_note": "待指定",
}


def post(client: Client, secret: str, url: str, body: Any, **headers: str) -> Any:
    headers["Authorization"] = f"Bearer {secret}"
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_task_created_twice_with_one_key_is_one_task_and_the_same_answer(city, corner) -> None:
    secret = token_of(city.city_supervisor)
    client = Client()
    url = f"/api/lists/{city.economy.pk}/tasks"
    body = {**NEW_TASK, "lead_unit": city.baisha.pk}
    first = post(client, secret, url, body, **{"Idempotency-Key": "import-row-7"})
    again = post(client, secret, url, body, **{"Idempotency-Key": "import-row-7"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and first["ETag"] == again["ETag"] == '"1"'
    reordered = client.post(
        url,
        json.dumps(dict(reversed(body.items())), indent=2),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "import-row-7"},
    )
    assert reordered.status_code == 201 and reordered.json() == first.json()  # the same body, spaced anew
    assert Task.objects.filter(title=NEW_TASK["title"]).count() == 1
    assert AuditEvent.objects.filter(action="task.create", object_id=str(first.json()["id"])).count() == 1
    changed = post(
        client, secret, url, {**body, "title": "另一个任务"}, **{"Idempotency-Key": "import-row-7"}
    )
    assert changed.status_code == 422 and changed["Content-Type"] == "application/problem+json"
    assert list(changed.json()["errors"]) == ["Idempotency-Key"]
    elsewhere = post(
        client, secret, f"/api/lists/{city.economy.pk}/tasks?x=1", body, **{"Idempotency-Key": "k"}
    )
    assert elsewhere.status_code == 201  # a new key is a new request
    assert Task.objects.filter(title=NEW_TASK["title"]).count() == 2


def test_a_key_is_kept_a_day_and_each_persons_keys_are_their_own(city, corner, clock) -> None:
    client = Client()
    url = f"/api/lists/{city.economy.pk}/tasks"
    body = {**NEW_TASK, "lead_unit": city.baisha.pk}
    assert (
        post(client, token_of(city.city_supervisor), url, body, **{"Idempotency-Key": "a"}).status_code == 201
    )
    admin = post(client, token_of(city.admin), url, body, **{"Idempotency-Key": "a"})
    assert admin.status_code == 201 and "Idempotent-Replayed" not in admin
    clock.advance(hours=25)
    later = post(client, token_of(city.city_supervisor), url, body, **{"Idempotency-Key": "a"})
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert Task.objects.filter(title=NEW_TASK["title"]).count() == 3
    assert IdempotencyKey.objects.count() == 2
    clock.advance(hours=25)
    assert idempotency.forget_expired(now=clock.now()) == 2  # the hourly job's sweep
    assert not IdempotencyKey.objects.exists()


def test_a_refused_create_names_the_field_writes_nothing_and_frees_its_key(city, corner) -> None:
    secret = token_of(city.city_supervisor)
    client = Client()
    url = f"/api/lists/{city.economy.pk}/tasks"
    tasks = Task.objects.count()
    foreign = post(client, token_of(city.county_supervisor), url, {**NEW_TASK, "lead_unit": city.qingshan.pk},
                   **{"Idempotency-Key": "x"})  # fmt: skip
    assert foreign.status_code == 403  # sees the city's list, does not manage it
    bad_dates = post(client, secret, url, {**NEW_TASK, "lead_unit": city.baisha.pk, "due": "2025-01-01"},
                     **{"Idempotency-Key": "y"})  # fmt: skip
    assert bad_dates.status_code == 422 and bad_dates["Content-Type"] == "application/problem+json"
    assert "due" in bad_dates.json()["errors"]
    unseen = post(client, token_of(city.county_supervisor), f"/api/lists/{city.economy.pk}/tasks",
                  {**NEW_TASK, "lead_unit": city.baisha.pk}, **{"Idempotency-Key": "z"})  # fmt: skip
    assert unseen.status_code in (403, 422)
    missing = post(client, secret, url, {"title": "缺字段"}, **{"Idempotency-Key": "w"})
    assert missing.status_code == 422 and "body.payload.lead_unit" in missing.json()["errors"]
    assert Task.objects.count() == tasks
    assert not IdempotencyKey.objects.exists()  # a refused request may be retried with its key
    fixed = post(client, secret, url, {**NEW_TASK, "lead_unit": city.baisha.pk}, **{"Idempotency-Key": "y"})
    assert fixed.status_code == 201


def test_accepting_a_report_needs_its_version_and_a_retry_accepts_once(city, corner) -> None:
    report = dispatch.submit_report(
        report=corner.town_report,
        by=city.township_liaison,
        data=dispatch.ReportData(percent=40, progress="完成厂房基础施工，累计完成投资8000万元。"),
        expected_version=1,
        idempotency_key="setup",
    )
    secret = token_of(city.city_supervisor)
    client = Client()
    url = f"/api/reports/{report.pk}/accept"
    bare = post(client, secret, url, {}, **{"Idempotency-Key": "a1"})
    assert bare.status_code == 428 and bare["Content-Type"] == "application/problem+json"
    assert list(bare.json()["errors"]) == ["If-Match"]
    stale = post(client, secret, url, {}, **{"Idempotency-Key": "a2", "If-Match": '"1"'})
    assert stale.status_code == 412 and stale["ETag"] == f'"{report.version}"'
    garbled = post(client, secret, url, {}, **{"Idempotency-Key": "a3", "If-Match": "*"})
    assert garbled.status_code == 412
    headers = {"Idempotency-Key": "a4", "If-Match": f'"{report.version}"'}
    first = post(client, secret, url, {}, **headers)
    again = post(client, secret, url, {}, **headers)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["state"] == ReportState.ACCEPTED
    assert AuditEvent.objects.filter(action="report.accept").count() == 1
    returned = post(client, secret, f"/api/reports/{report.pk}/return", {"comment": "补充数据"},
                    **{"Idempotency-Key": "r1", "If-Match": first["ETag"]})  # fmt: skip
    assert returned.status_code == 422  # an accepted report is not sent back: the service says why
    assert "__all__" in returned.json()["errors"]


def test_a_report_is_returned_with_a_comment_by_its_office_only(city, corner) -> None:
    report = dispatch.submit_report(
        report=corner.town_report,
        by=city.township_liaison,
        data=dispatch.ReportData(percent=40, progress="完成厂房基础施工，累计完成投资8000万元。"),
        expected_version=1,
        idempotency_key="setup",
    )
    client = Client()
    url = f"/api/reports/{report.pk}/return"
    headers = {"Idempotency-Key": "r", "If-Match": f'"{report.version}"'}
    liaison = post(client, token_of(city.township_liaison), url, {"comment": "自己退回"}, **headers)
    assert liaison.status_code == 403
    empty = post(client, token_of(city.city_supervisor), url, {"comment": " "}, **headers)
    assert empty.status_code == 422 and list(empty.json()["errors"]) == ["comment"]
    sent = post(client, token_of(city.city_supervisor), url, {"comment": "请补充投资数据"}, **headers)
    assert sent.status_code == 200 and sent.json()["state"] == ReportState.RETURNED


def test_a_delivery_is_accepted_once_by_the_office(city, corner) -> None:
    delivery = submit_delivery(task=corner.baisha_task, by=city.outsider, statement="路面完工")
    client = Client()
    url = f"/api/deliveries/{delivery.pk}/accept"
    assert post(client, token_of(city.outsider), url, {}, **{"Idempotency-Key": "d"}).status_code == 403
    secret = token_of(city.city_supervisor)
    first = post(client, secret, url, {}, **{"Idempotency-Key": "d"})
    again = post(client, secret, url, {}, **{"Idempotency-Key": "d"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["state"] == Delivery.State.ACCEPTED
    second = post(client, secret, url, {}, **{"Idempotency-Key": "d2"})
    assert second.status_code == 422 and list(second.json()["errors"]) == ["state"]
    assert AuditEvent.objects.filter(action="delivery.accept").count() == 1


def test_the_lead_unit_answers_a_supervision_item_once(city, corner) -> None:
    item = supervision.create_item(
        by=city.city_supervisor, title="白沙县农村公路养护", content="请按期办结。", source="other",
        urgency="urgent", lead_unit=city.baisha, co_units=[], due=dt.date(2026, 12, 31),
    )  # fmt: skip
    supervision.sign_item(item=item, by=city.outsider)
    client = Client()
    url = f"/api/supervision/items/{item.pk}/feedback"
    body = {"statement": "已完成养护"}
    assert (
        post(client, token_of(city.city_supervisor), url, body, **{"Idempotency-Key": "f"}).status_code == 403
    )
    secret = token_of(city.outsider)
    first = post(client, secret, url, body, **{"Idempotency-Key": "f"})
    again = post(client, secret, url, body, **{"Idempotency-Key": "f"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Feedback.objects.filter(item=item).count() == 1
    blank = post(client, secret, url, {"statement": ""}, **{"Idempotency-Key": "f2"})
    assert blank.status_code == 422  # awaiting the office: no second feedback, nor an empty one


def test_a_page_is_capped_and_a_cursor_walks_every_object_once(city, corner) -> None:
    secret = token_of(city.city_supervisor)
    client = Client()
    too_many = call(client, secret, "GET", f"/api/tasks?limit={MAX_LIMIT + 1}")
    assert too_many.status_code == 422 and too_many["Content-Type"] == "application/problem+json"
    assert list(too_many.json()["errors"]) == ["query.limit"]
    assert call(client, secret, "GET", f"/api/tasks?limit={MAX_LIMIT}").status_code == 200
    assert call(client, secret, "GET", "/api/tasks?offset=-1").status_code == 422
    seen, after = [], 0
    while after is not None:
        page = call(client, secret, "GET", f"/api/tasks?limit=2&after={after}").json()
        assert page["count"] == 3 and len(page["items"]) <= 2
        seen += [t["id"] for t in page["items"]]
        after = page["next_after"]
    assert seen == sorted(Task.objects.values_list("pk", flat=True))


def test_an_unknown_address_or_method_is_a_problem_not_a_page(city) -> None:
    secret = token_of(city.leader)
    client = Client()
    for url in ("/api/nothing", "/api/tasks/1/nothing", "/api/v2/tasks"):
        for response in (call(client, secret, "GET", url), call(client, None, "POST", url)):
            assert response.status_code == 404, url
            assert response["Content-Type"] == "application/problem+json"
            assert list(response.json()["errors"]) == ["path"]
    wrong = client.delete("/api/tasks", headers={"Authorization": f"Bearer {secret}"})
    assert wrong.status_code == 405 and wrong["Content-Type"] == "application/problem+json"
    assert wrong["Allow"] == "GET" and list(wrong.json()["errors"]) == ["method"]
    not_a_number = call(client, secret, "GET", "/api/tasks/abc")
    assert not_a_number.status_code == 422 and list(not_a_number.json()["errors"]) == ["path.task_id"]


def test_the_openapi_document_is_valid_and_every_operation_declares_its_problems() -> None:
    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))  # as it is served
    validate(document)
    problem = "#/components/schemas/Problem"
    for method, path, params in endpoints():
        responses = document["paths"][path][method.lower()]["responses"]
        needed = (
            {"401", "422"}
            | ({"404"} if params else set())
            | ({"403", "412", "428"} if method == "POST" else set())
        )
        assert needed <= responses.keys(), f"{method} {path}: {sorted(needed - responses.keys())}"
        for status in needed:
            schema = responses[status]["content"]["application/problem+json"]["schema"]
            assert schema["$ref"] == problem, f"{method} {path} {status}"


def test_out_of_range_ids_nul_characters_and_unknown_states_are_refused_never_a_500(city, corner) -> None:
    secret = token_of(city.city_supervisor)
    client = Client(raise_request_exception=False)
    huge = 10**30
    for url in (
        f"/api/tasks/{huge}",
        f"/api/tasks?unit={huge}",
        "/api/tasks/0",
        "/api/tasks?light=purple",
        "/api/supervision/items?state=%00",
        f"/api/tasks?after={huge}",
    ):
        response = call(client, secret, "GET", url)
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json"
    url = f"/api/lists/{city.economy.pk}/tasks"
    nul = post(client, secret, url, {**NEW_TASK, "lead_unit": city.baisha.pk, "title": "任务\x00"},
               **{"Idempotency-Key": "n"})  # fmt: skip
    assert nul.status_code == 422 and list(nul.json()["errors"]) == ["body.payload.title"]
    nan = post(client, secret, url, {**NEW_TASK, "lead_unit": city.baisha.pk, "weight": "NaN"},
               **{"Idempotency-Key": "n"})  # fmt: skip
    assert nan.status_code == 422 and list(nan.json()["errors"]) == ["body.payload.weight"]
    report = f"/api/reports/{corner.town_report.pk}/submit"
    too_much = post(client, token_of(city.township_liaison), report,
                    {"percent": 70000, "progress": "推进中", "indicator_value": "1e30"},
                    **{"Idempotency-Key": "p", "If-Match": '"1"'})  # fmt: skip
    assert too_much.status_code == 422
    assert set(too_much.json()["errors"]) == {"body.payload.percent", "body.payload.indicator_value"}
    assert Task.objects.count() == 3
