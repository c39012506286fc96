"""Shared fixtures: a small city and the people every test talks about.

临江市 (city) ├ 青山县 (county) ├ 青山镇, 龙泉镇 (townships)
           ├ 白沙县 (county)
           └ 市发展改革委 (department)

Personas: ducha (city supervisor), qs_office (青山县 supervisor), qs_liaison (青山县 liaison),
qsz_liaison (青山镇 liaison), lqz_liaison (龙泉镇 liaison), bs_liaison (白沙县 liaison, the outsider for
anything of 青山县), fgw_liaison (发改委 liaison), qs_head (青山县 unit head), mayor (leader), admin.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Stand-ins for the outside world (a webhook receiver, Huey inline, a fixed clock) for every app's tests.
pytest_plugins = ["luoshi.notify.testing"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs() -> None:
    from luoshi.i18n import compile_catalogs

    compile_catalogs()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # Static files come straight from the app folders, without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    # Argon2 is slow on purpose; the tests make dozens of people and check sign-in, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class City:
    city: Any
    qingshan: Any
    qingshan_town: Any
    longquan_town: Any
    baisha: Any
    fgw: Any
    ducha: Any
    qs_office: Any
    qs_liaison: Any
    qs_head: Any
    qsz_liaison: Any
    lqz_liaison: Any
    bs_liaison: Any
    fgw_liaison: Any
    mayor: Any
    admin: Any
    plan: Any
    economy: Any


def make_unit(name: str, kind: str, parent: Any = None) -> Any:
    from luoshi.orgs.services import create_unit

    return create_unit(name=name, kind=kind, parent=parent, by=None)


def make_user(username: str, role: str, unit: Any, password: str = "correct-horse-9") -> Any:
    from luoshi.orgs.services import create_user

    return create_user(
        username=username, full_name=username, role=role, unit=unit, by=None, password=password
    )


def make_task(
    city: City,
    *,
    by: Any = None,
    lead_unit: Any = None,
    parent: Any = None,
    task_list: Any = None,
    **kwargs: Any,
) -> Any:
    from luoshi.plans.services import create_task

    fields = {
        "title": "推进重点项目建设",
        "start": dt.date(2026, 1, 1),
        "due": dt.date(2026, 12, 31),
        **kwargs,
    }
    return create_task(
        task_list=parent.task_list if parent else (task_list or city.economy),
        by=by or city.ducha,
        lead_unit=lead_unit or city.qingshan,
        parent=parent,
        **fields,
    )


@pytest.fixture
def city(db: Any) -> City:
    return build_city()


def build_city() -> City:
    from luoshi.plans.services import create_plan, create_task_list

    root = make_unit("临江市", "city")
    qingshan = make_unit("青山县", "county", root)
    qingshan_town = make_unit("青山镇", "township", qingshan)
    longquan_town = make_unit("龙泉镇", "township", qingshan)
    baisha = make_unit("白沙县", "county", root)
    fgw = make_unit("市发展改革委", "department", root)
    ducha = make_user("ducha", "supervisor", root)
    plan = create_plan(title="临江市2026年重点工作实施方案", year=2026, issuer=root, by=ducha)
    economy = create_task_list(plan=plan, name="经济发展挑大梁任务清单", by=ducha)
    return City(
        city=root,
        qingshan=qingshan,
        qingshan_town=qingshan_town,
        longquan_town=longquan_town,
        baisha=baisha,
        fgw=fgw,
        ducha=ducha,
        qs_office=make_user("qs_office", "supervisor", qingshan),
        qs_liaison=make_user("qs_liaison", "liaison", qingshan),
        qs_head=make_user("qs_head", "unit_head", qingshan),
        qsz_liaison=make_user("qsz_liaison", "liaison", qingshan_town),
        lqz_liaison=make_user("lqz_liaison", "liaison", longquan_town),
        bs_liaison=make_user("bs_liaison", "liaison", baisha),
        fgw_liaison=make_user("fgw_liaison", "liaison", fgw),
        mayor=make_user("mayor", "leader", root),
        admin=make_user("admin", "admin", None),
        plan=plan,
        economy=economy,
    )


def count_queries(client: Any, url: str, **params: Any) -> int:
    """How many queries one GET of the page runs (it must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
