"""The API over real HTTP: a live server, a token in the header, the submit retried with its key."""

import json
import urllib.error
import urllib.request
from typing import Any

from luoshi.api.tests.conftest import token_of
from luoshi.dispatch.models import ReportState, Submission


def fetch(url: str, secret: str, body: dict[str, Any] | None = None, **headers: str) -> tuple[int, Any, Any]:
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json", **headers},
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, json.loads(refused.read())


def test_a_liaison_sends_a_report_over_http_and_a_retry_is_answered_once(live_server, city, corner) -> None:
    secret = token_of(city.township_liaison)
    report_url = f"{live_server.url}/api/reports/{corner.town_report.pk}"
    status, headers, body = fetch(report_url, secret)
    assert status == 200 and headers["ETag"] == '"1"' and body["state"] == ReportState.PENDING
    content = {"percent": 40, "progress": "完成厂房基础施工，累计完成投资8000万元。"}
    key = {"Idempotency-Key": "town-week-47", "If-Match": headers["ETag"]}
    first = fetch(report_url + "/submit", secret, content, **key)
    retry = fetch(report_url + "/submit", secret, content, **key)
    assert first[0] == retry[0] == 200
    assert first[2] == retry[2] and first[2]["state"] == ReportState.SUBMITTED
    assert Submission.objects.filter(report=corner.town_report).count() == 1
    stale = fetch(report_url + "/submit", secret, content, **{**key, "Idempotency-Key": "another"})
    assert stale[0] == 412 and stale[1]["Content-Type"] == "application/problem+json"
    outside = fetch(f"{live_server.url}/api/reports/{corner.baisha_report.pk}", secret)
    assert outside[0] == 404 and outside[2]["status"] == 404
    assert fetch(f"{live_server.url}/api/units", "ls_nonsense")[0] == 401
