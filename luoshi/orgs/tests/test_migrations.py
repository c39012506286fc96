"""Migrations are frozen: what one does is written in it, never read from app code that may change later."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps

from luoshi.orgs.models import UnitAlias
from luoshi.testing import make_unit

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.mark.parametrize("path", sorted(MIGRATIONS.glob("0*.py")), ids=lambda p: p.name)
def test_a_migration_imports_no_luoshi_code(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [None])
    ]
    assert not [name for name in imported if name and name.split(".")[0] == "luoshi"]


def test_the_alias_migration_seeds_the_short_names_of_the_units_already_there(city):
    migration = importlib.import_module("luoshi.orgs.migrations.0004_unit_aliases")
    zj = make_unit("临江市住房和城乡建设局", "department", city.city)
    UnitAlias.objects.all().delete()
    migration.seed_rule_aliases(apps, None)
    seeded = {(a.alias, a.unit_id, a.source) for a in UnitAlias.objects.all()}
    assert {
        (alias, zj.pk, "rule") for alias in ("住建局", "市住建局", "住房和城乡建设局", "市住房和城乡建设局")
    } <= seeded
    assert {(alias, city.fgw.pk, "rule") for alias in ("发展改革委", "发改委", "市发改委")} <= seeded
    assert not [a for a in seeded if a[1] == city.qingshan.pk]  # a place alone has no short name
