"""The subject of an audit event: the object whose history the event belongs to.

A model names the foreign key that leads to its subject in a class attribute, `audit_subject`: a
milestone's is "task", an evidence file's is "report", whose own is "task". A model that names none is its
own subject. The subject is derived only from what the event's digest covers (its object and snapshots),
looking up in the database just the links a snapshot lacks, so `verify` can derive it again and catch a
rewritten one. Changing a model's `audit_subject` changes the subject of its past events: back-fill them in
a migration, as audit 0002 does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from django.apps import apps
from django.db import models

Subject = tuple[str, str]  # (model label, primary key), as AuditEvent's object_type and object_id
Link = tuple[str, str]  # (the attname that holds the link, the label of the model it leads to)
LinkOf = Callable[[str], Link | None]
RowsOf = Callable[[str, str, set[str]], Mapping[str, Any]]
Step = tuple[int, str, str, tuple[dict[str, Any], ...]]  # (event index, label, pk, snapshots to read)
_GONE = object()


class Described(Protocol):
    object_type: str
    object_id: str
    before: Any
    after: Any


def _subject_field(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    name = getattr(model, "audit_subject", None)
    if name is None:
        return None
    field = model._meta.get_field(name)
    assert isinstance(field, models.ForeignKey), f"{model.__name__}.audit_subject must name a foreign key"
    return field


def link_of(label: str) -> Link | None:
    """The link the model `label` names in `audit_subject`, if it names one."""
    try:
        field = _subject_field(apps.get_model(label))
    except LookupError:
        return None
    if field is None:
        return None
    return field.attname, field.related_model._meta.label_lower


def rows_of(label: str, attname: str, pks: set[str]) -> dict[str, Any]:
    """`attname` of the rows of `label` with these keys, by key."""
    rows = apps.get_model(label)._base_manager.filter(pk__in=pks).values_list("pk", attname)
    return {str(pk): value for pk, value in rows}


def derive(
    events: Sequence[Described],
    *,
    link: LinkOf = link_of,
    rows: RowsOf = rows_of,
    known: Mapping[tuple[str, str, str], Any] | None = None,
) -> list[Subject | None]:
    """Each event's subject; None where a link leads to a row that no longer exists.

    Links are followed a step at a time for all events together, with one query per model and step. `known`
    holds links already at hand, as {(label, attname, pk): value}, so they are not looked up.
    """
    subjects: list[Subject | None] = [None] * len(events)
    links: dict[str, Link | None] = {}
    looked: dict[tuple[str, str, str], Any] = dict(known or {})
    steps: list[Step] = [
        (i, e.object_type, e.object_id, (e.after or {}, e.before or {})) for i, e in enumerate(events)
    ]
    while steps:
        wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
        for _i, label, pk, snapshots in steps:
            if label not in links:
                links[label] = link(label)
            if (found := links[label]) is not None:
                attname = found[0]
                if not any(attname in s for s in snapshots) and (label, attname, pk) not in looked:
                    wanted[label, attname].add(pk)
        for (label, attname), pks in wanted.items():
            values = rows(label, attname, pks)
            looked.update({(label, attname, pk): values.get(pk, _GONE) for pk in pks})
        next_steps: list[Step] = []
        for i, label, pk, snapshots in steps:
            found = links[label]
            if found is None:
                subjects[i] = (label, pk)
                continue
            attname, target = found
            in_snapshot = [s[attname] for s in snapshots if attname in s]
            value = in_snapshot[0] if in_snapshot else looked[label, attname, pk]
            if value is None:
                subjects[i] = (label, pk)
            elif value is not _GONE:
                next_steps.append((i, target, str(value), ()))
        steps = next_steps
    return subjects


def known_from(obj: models.Model) -> dict[tuple[str, str, str], Any]:
    """The links at hand on the instance and the related objects it holds, so recording looks nothing up."""
    known: dict[tuple[str, str, str], Any] = {}
    current: models.Model | None = obj
    while current is not None and (field := _subject_field(type(current))) is not None:
        known[current._meta.label_lower, field.attname, str(current.pk)] = getattr(current, field.attname)
        current = field.get_cached_value(current, default=None)
    return known
