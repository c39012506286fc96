"""What each path parameter and each list of the API takes, and how a user's visible ones are found: the
pages' own scope (the querysets and policy the views use). A new endpoint whose parameter or list is not
named here fails test_every_endpoint_is_enumerated until it is added."""

import json
import re
from typing import Any

from luoshi.api.areas.assessment import visible_runs
from luoshi.api.areas.people import people_of
from luoshi.api.areas.plans import visible_deliveries, visible_milestones
from luoshi.api.endpoints import api
from luoshi.assessment.models import Result, Run
from luoshi.bulletins.models import Bulletin
from luoshi.challenges.models import OpenCall
from luoshi.dispatch.models import Cycle, Report
from luoshi.orgs import policy
from luoshi.orgs.models import User
from luoshi.plans.models import Delivery, Milestone, Plan, Task, TaskList
from luoshi.supervision.models import Rectification, SupervisionItem

# parameter → (its model, the user's visible ones)
PARAMS: dict[str, tuple[Any, Any]] = {
    "person_id": (User, people_of),
    "plan_id": (Plan, lambda user: Plan.objects.visible_to(user)),
    "list_id": (TaskList, lambda user: TaskList.objects.visible_to(user)),
    "task_id": (Task, lambda user: Task.objects.visible_to(user)),
    "milestone_id": (Milestone, visible_milestones),
    "delivery_id": (Delivery, visible_deliveries),
    "cycle_id": (Cycle, lambda user: Cycle.objects.visible_to(user)),
    "report_id": (Report, lambda user: Report.objects.visible_to(user)),
    "item_id": (SupervisionItem, lambda user: SupervisionItem.objects.visible_to(user)),
    "rectification_id": (Rectification, lambda user: Rectification.objects.visible_to(user)),
    "call_id": (OpenCall, lambda user: OpenCall.objects.visible_to(user)),
    "run_id": (Run, visible_runs),
    "bulletin_id": (Bulletin, lambda user: Bulletin.objects.visible_to(user)),
}
# list path → the user's visible ones (every list answers them all, given a high enough limit)
LISTS: dict[str, Any] = {
    "/api/units": policy.visible_units,
    "/api/people": people_of,
    "/api/plans": PARAMS["plan_id"][1],
    "/api/lists": PARAMS["list_id"][1],
    "/api/tasks": PARAMS["task_id"][1],
    "/api/milestones": visible_milestones,
    "/api/deliveries": visible_deliveries,
    "/api/cycles": PARAMS["cycle_id"][1],
    "/api/reports": PARAMS["report_id"][1],
    "/api/supervision/items": PARAMS["item_id"][1],
    "/api/supervision/rectifications": PARAMS["rectification_id"][1],
    "/api/calls": PARAMS["call_id"][1],
    "/api/assessment/runs": visible_runs,
    "/api/bulletins": PARAMS["bulletin_id"][1],
}
# a list below an object: all of the object's rows, to whoever sees the object (as its page shows them)
NESTED_LISTS: dict[str, Any] = {
    "/api/assessment/runs/{run_id}/results": lambda run_pk: Result.objects.filter(run_id=run_pk),
}
# What a write would send if it were allowed: a valid body, so that only scope can refuse it.
BODIES: dict[str, dict[str, Any]] = {
    "/api/reports/{report_id}/submit": {"percent": 60, "progress": "完成主体结构封顶，累计完成投资2.3亿元。"},
    "/api/reports/{report_id}/return": {"comment": "请补充投资完成数据"},
    "/api/lists/{list_id}/tasks": {
        "title": "新建任务",
        "lead_unit": 1,
        "start": "2026-01-01",
        "due": "2026-12-31",
    },
    "/api/supervision/items/{item_id}/feedback": {"statement": "已办理完毕"},
}


def endpoints() -> list[tuple[str, str, list[str]]]:
    """(method, path template, its path parameters) of every operation in the OpenAPI document."""
    found = []
    for path, operations in api.get_openapi_schema(path_prefix="/api/")["paths"].items():
        for method in operations:
            found.append((method.upper(), path, re.findall(r"{(\w+)}", path)))
    return found


def call(client: Any, secret: str | None, method: str, url: str, body: Any = None, **headers: str) -> Any:
    """`url` asked with the token `secret` (None: without one); a POST with its body (the submit's unless
    told) and both write headers unless given."""
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if method == "GET":
        return client.get(url, headers=headers)
    headers.setdefault("Idempotency-Key", "k-" + url)
    headers.setdefault("If-Match", '"1"')
    payload = json.dumps(BODIES["/api/reports/{report_id}/submit"] if body is None else body)
    return client.generic(method, url, payload, content_type="application/json", headers=headers)


def body_for(path: str) -> dict[str, Any]:
    return BODIES.get(path, {})
