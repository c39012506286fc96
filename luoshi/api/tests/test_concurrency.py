"""One Idempotency-Key sent twice at the same moment, for real: threads with their own connections."""

import datetime as dt
import json

import pytest
from django.test import Client

from luoshi.api import services as tokens
from luoshi.api.models import IdempotencyKey
from luoshi.core import clock
from luoshi.dispatch.tests.test_concurrency import at_once
from luoshi.plans.models import Task
from luoshi.testing import build_city


@pytest.fixture
def office(transactional_db):
    city = build_city()
    _, secret = tokens.create_token(
        by=city.city_supervisor, name="同步", expires_on=clock.today() + dt.timedelta(days=30)
    )
    return city, secret


def test_one_key_sent_twice_at_once_creates_one_task(office):
    city, secret = office
    body = json.dumps(
        {"title": "白沙县冷链物流园建设", "lead_unit": city.baisha.pk, "start": "2026-01-01",
         "due": "2026-12-31", "responsibility_note": "待指定"}
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "double-click"}

    def create():
        return Client().post(
            f"/api/lists/{city.economy.pk}/tasks", body, content_type="application/json", headers=headers
        )

    results = at_once(create, create)
    statuses = sorted(r.status_code for r in results)
    # The second either waits for the first's answer (replayed) or finds it still running (409): never a twin.
    assert statuses in ([201, 201], [201, 409]), results
    assert Task.objects.filter(title="白沙县冷链物流园建设").count() == 1
    assert IdempotencyKey.objects.get().status == 201
