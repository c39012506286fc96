import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from luoshi.core import clock as core_clock
from luoshi.demo import scale
from luoshi.dispatch.models import Report
from luoshi.orgs.models import User
from luoshi.plans.models import Task


class Undo(Exception):
    pass


def _fingerprint() -> str:
    reports = Report.objects.order_by("pk").values_list(
        "pk",
        "task_id",
        "cycle_id",
        "state",
        "percent",
        "is_late",
        "submitted_at",
        "submitted_by_id",
        "progress",
    )
    tasks = Task.objects.order_by("pk").values_list(
        "pk", "title", "lead_unit__name", "start", "due", "progress"
    )
    people = User.objects.order_by("pk").values_list("username", "full_name", "unit__name")
    return hashlib.sha256(repr((list(reports), list(tasks), list(people))).encode()).hexdigest()


def _generate_and_undo(seed: int) -> str:
    try:
        with transaction.atomic():
            scale.generate(scale.SCALES["tiny"], seed=seed, out=None)
            fingerprint = _fingerprint()
            raise Undo
    except Undo:
        return fingerprint


def test_the_same_seed_on_the_same_day_writes_the_same_rows(db, clock):
    clock.set(core_clock.at_local(dt.date(2026, 11, 18), dt.time(10)))
    first = _generate_and_undo(7)
    assert _generate_and_undo(7) == first
    assert _generate_and_undo(8) != first


def test_the_command_generates_a_scale_and_says_how_to_sign_in(db, clock):
    out = io.StringIO()
    call_command("demo", "--scale", "tiny", stdout=out)
    assert Report.objects.count() == scale.SCALES["tiny"].reports
    assert "tiny.leader1" in out.getvalue()
    with pytest.raises(SystemExit, match="--force"):
        call_command("demo", "--scale", "tiny", stdout=io.StringIO())
