"""Short and informal names of units: derived by rule, kept in UnitAlias, extended by an administrator.

A document says 住建局 or 市人社局 where the tree says 临江市住房和城乡建设局 and 临江市人力资源和社会保障局.
The rule, applied to any name: take off the place (临江市 → 市), then shorten the office by the patterns
below (住房和城乡建设 → 住建); every combination of with and without the level character is an alias. A
name no pattern covers gets only its place-less forms; an administrator adds the rest on the alias page.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record, snapshot
from luoshi.core.actions import Action
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, UnitAlias, User

# Office words and the short form documents use for them, longest first where one contains another.
PATTERNS = (
    ("住房和城乡建设", "住建"),
    ("住房城乡建设", "住建"),
    ("人力资源和社会保障", "人社"),
    ("人力资源社会保障", "人社"),
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展和改革委", "发改委"),
    ("发展改革委", "发改委"),
    ("卫生健康委员会", "卫健委"),
    ("卫生健康委", "卫健委"),
    ("工业和信息化", "工信"),
    ("经济和信息化", "经信"),
    ("市场监督管理", "市场监管"),
    ("文化广电旅游", "文广旅"),
    ("文化和旅游", "文旅"),
    ("科学技术", "科技"),
    ("交通运输", "交通"),
    ("应急管理", "应急"),
    ("城市管理", "城管"),
    ("政务服务和数据管理", "政数"),
    ("农业农村", "农业农村"),
    ("生态环境", "生态环境"),
    ("自然资源和规划", "自然资源规划"),
    ("退役军人事务", "退役军人"),
)
LEVELS = "省市县区州旗"
# A place name before the level character: 临江市, 青山县, 阿坝州 (two to six characters and the level).
PLACE = re.compile(rf"^[\u4e00-\u9fff]{{2,6}}?([{LEVELS}])(?=[\u4e00-\u9fff]{{2}})")
MIN_ALIAS = 3
MAX_ALIAS = 50


def split_place(name: str) -> tuple[str, str]:
    """(level character, office) of a unit name: 临江市住房和城乡建设局 → ("市", "住房和城乡建设局").

    A name that is only a place (青山县) or starts with no place gives ("", name).
    """
    m = PLACE.match(name)
    if not m or not name.endswith(
        ("局", "委", "办", "厅", "委员会", "办公室", "中心", "院", "部", "队", "所")
    ):
        if name[:1] in LEVELS and len(name) > MIN_ALIAS and name[1] not in "委政":  # 市发展改革委, not 市委…
            return name[0], name[1:]
        return "", name
    return m.group(1), name[m.end() :]


def rule_aliases(name: str) -> set[str]:
    """The aliases the rule gives for one unit name (never the name itself)."""
    level, office = split_place(name.strip())
    offices = {office}
    for long, short in PATTERNS:
        if long in office:
            offices.add(office.replace(long, short, 1))
            break
    if office.endswith("委员会"):
        offices |= {o[:-3] + "委" for o in offices if o.endswith("委员会")}
    if office.endswith("办公室"):
        offices |= {o[:-3] + "办" for o in offices if o.endswith("办公室")}
    forms = set(offices)
    if level:
        forms |= {level + o for o in offices}
    return {f for f in forms if MIN_ALIAS <= len(f) <= MAX_ALIAS and f != name}


def _require_admin(by: User) -> None:
    if not policy.sees_everything(by):
        raise PermissionDenied


@transaction.atomic
def add_alias(*, alias: str, unit: Unit, by: User, source: str = UnitAlias.Source.ADMIN) -> UnitAlias:
    """An administrator teaches the intake another name of a unit."""
    _require_admin(by)
    alias = alias.strip()
    if len(alias) < 2:
        raise ValidationError({"alias": _("An alias has at least two characters.")})
    if alias == unit.name:
        raise ValidationError({"alias": _("This is the unit's own name.")})
    if UnitAlias.objects.filter(alias=alias, unit=unit).exists():
        raise ValidationError({"alias": _("This unit already has that alias.")})
    row = UnitAlias(alias=alias, unit=unit, source=source)
    row.full_clean()
    row.save()
    record(actor=by, action=Action.UNIT_ALIAS_ADD, obj=row, after=snapshot(row))
    return row


@transaction.atomic
def remove_alias(*, alias: UnitAlias, by: User) -> None:
    """An alias that misleads the matching is taken away; the units and their tasks are untouched."""
    _require_admin(by)
    before = snapshot(alias)
    record(actor=by, action=Action.UNIT_ALIAS_REMOVE, obj=alias, before=before)
    alias.delete()


@transaction.atomic
def generate_aliases(*, by: User) -> int:
    """Store the rule's aliases of every active unit that lacks them; returns how many were added.

    An alias the rule gives to two units of the same level character is still stored for both: which one a
    document means is decided when it is matched, against the units its reader may assign to.
    """
    _require_admin(by)
    have = set(UnitAlias.objects.values_list("alias", "unit_id"))
    new = [
        UnitAlias(alias=form, unit_id=unit.pk, source=UnitAlias.Source.RULE)
        for unit in Unit.objects.filter(is_active=True).only("pk", "name")
        for form in sorted(rule_aliases(unit.name))
        if (form, unit.pk) not in have
    ]
    UnitAlias.objects.bulk_create(new, batch_size=500)
    if new:
        record(
            actor=by,
            action=Action.UNIT_ALIAS_ADD,
            obj=new[0].unit,
            after={"generated": len(new), "aliases": sorted({a.alias for a in new})[:200]},
        )
    return len(new)
