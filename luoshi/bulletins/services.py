"""Every write of 通报: create a bulletin (its generation queued), generate its sections (the job's body),
regenerate, edit a section, publish. One function per use case, each in one transaction, each audited.

A bulletin moves generating → ready (or failed) → published; `refusal` names what each state refuses, with a
message of its own, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.assessment.models import IndicatorSystem, Run
from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.actions import Action
from luoshi.core.services import StaleVersion, check_date, required_text
from luoshi.notify.services import notify
from luoshi.orgs import policy
from luoshi.orgs.models import Unit, User
from luoshi.orgs.people import people_of_units

from . import drafting
from .models import NUMBER_MAX, Bulletin, Section, State

log = logging.getLogger(__name__)
TITLE_MAX = 200
HEADING_MAX = 100
TEXT_MAX = 20_000
NOTICE_KIND = "bulletin_published"

# What each action refuses in each state it cannot be taken in: one message per (action, state).
REFUSALS = {
    ("edit", State.GENERATING): gettext_lazy(
        "The bulletin is still being generated: edit it once it is ready."
    ),
    ("edit", State.FAILED): gettext_lazy(
        "The bulletin's generation failed: generate it again before editing."
    ),
    ("edit", State.PUBLISHED): gettext_lazy("A published bulletin cannot be edited."),
    ("publish", State.GENERATING): gettext_lazy(
        "The bulletin is still being generated: publish it once it is ready."
    ),
    ("publish", State.FAILED): gettext_lazy(
        "The bulletin's generation failed: generate it again before publishing."
    ),
    ("publish", State.PUBLISHED): gettext_lazy("The bulletin is already published."),
    ("regenerate", State.GENERATING): gettext_lazy("The bulletin is already being generated."),
    ("regenerate", State.PUBLISHED): gettext_lazy("A published bulletin cannot be generated again."),
}
ACTIONS = ("edit", "publish", "regenerate")


def refusal(action: str, state: str) -> str | None:
    """Why `action` cannot be taken on a bulletin in `state`; None when it can."""
    said = REFUSALS.get((action, State(state)))
    return str(said) if said is not None else None


def _allow(action: str, bulletin: Bulletin) -> None:
    said = refusal(action, bulletin.state)
    if said is not None:
        raise ValidationError(said)


def _office(by: User, unit: Unit) -> None:
    if not policy.can_supervise(by, unit):
        raise ValidationError(_("Only the office over %(unit)s may do this.") % {"unit": unit.name})


def _locked(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.select_for_update().select_related("scope", "issuer").get(pk=bulletin.pk)


def _enqueue(pk: int) -> None:
    from . import jobs  # the job module imports this one

    jobs.generate_bulletin(pk)


@transaction.atomic
def create_bulletin(
    *, by: User, scope: Unit, title: str, number: str, period_start: dt.date, period_end: dt.date,
    run: Run | None = None,
) -> Bulletin:  # fmt: skip
    """A new bulletin of the user's office on `scope`, its generation queued once this commits."""
    _office(by, scope)
    issuer = policy.issuing_unit(by)
    title = required_text(title, "title", _("Give the bulletin a title."), TITLE_MAX)
    number = number.strip()
    if len(number) > NUMBER_MAX:
        raise ValidationError({"number": _("Keep it within %(n)s characters.") % {"n": NUMBER_MAX}})
    check_date(period_start, "period_start")
    check_date(period_end, "period_end")
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if run is not None and not IndicatorSystem.objects.visible_to(by).filter(pk=run.system_id).exists():
        raise ValidationError({"run": _("Choose an assessment run of your office.")})
    bulletin = Bulletin.objects.create(
        title=title, issuer=issuer, number=number, period_start=period_start, period_end=period_end,
        scope=scope, run=run, created_by=by, steps_total=len(drafting.BUILDERS),
    )  # fmt: skip
    record(actor=by, action=Action.BULLETIN_CREATE, obj=bulletin, after=snapshot(bulletin))
    transaction.on_commit(lambda: _enqueue(bulletin.pk))
    return bulletin


@transaction.atomic
def regenerate(*, bulletin: Bulletin, by: User) -> Bulletin:
    """Draft the sections afresh from today's facts (a ready draft's edits are replaced)."""
    bulletin = _locked(bulletin)
    _office(by, bulletin.issuer)
    _allow("regenerate", bulletin)
    before = snapshot(bulletin)
    bulletin.state, bulletin.steps_done, bulletin.error = State.GENERATING, 0, ""
    bulletin.steps_total = len(drafting.BUILDERS)
    bulletin.save(update_fields=["state", "steps_done", "steps_total", "error"])
    record(actor=by, action=Action.BULLETIN_REGENERATE, obj=bulletin, before=before, after=snapshot(bulletin))
    transaction.on_commit(lambda: _enqueue(bulletin.pk))
    return bulletin


def generate(bulletin: Bulletin, *, now: dt.datetime | None = None) -> Bulletin:
    """Draft every section of a bulletin being generated, committing each with the progress made, so a
    page polling the bulletin shows it move; ready at the end, or failed saying why."""
    now = now or clock.now()
    bulletin = Bulletin.objects.select_related("scope", "issuer", "run").get(pk=bulletin.pk)
    if not bulletin.is_generating:
        return bulletin
    try:
        with translation.override(settings.LANGUAGE_CODE):
            facts = drafting.facts_of(bulletin, now)
            Section.objects.filter(bulletin=bulletin).delete()
            for order, build in enumerate(drafting.BUILDERS, start=1):
                draft = build(facts)
                with transaction.atomic():
                    Section.objects.create(
                        bulletin=bulletin, order=order, kind=draft.kind, heading=draft.heading,
                        text=draft.text, columns=draft.columns, rows=draft.rows, figures=draft.figures,
                        totals=draft.totals,
                    )  # fmt: skip
                    Bulletin.objects.filter(pk=bulletin.pk).update(steps_done=F("steps_done") + 1)
    except Exception as exc:  # a failed generation is shown on the bulletin, and may be run again
        log.exception("bulletin %s failed to generate", bulletin.pk)
        Bulletin.objects.filter(pk=bulletin.pk).update(state=State.FAILED, error=str(exc)[:500])
        bulletin.refresh_from_db()
        return bulletin
    return _ready(bulletin, now)


@transaction.atomic
def _ready(bulletin: Bulletin, now: dt.datetime) -> Bulletin:
    bulletin = _locked(bulletin)
    bulletin.state, bulletin.generated_at = State.READY, now
    bulletin.steps_done = bulletin.steps_total
    bulletin.save(update_fields=["state", "generated_at", "steps_done"])
    figures = {s.kind: {f["key"]: f["count"] for f in s.figures} for s in bulletin.sections.all()}
    record(actor=None, action=Action.BULLETIN_GENERATE, obj=bulletin, after={"figures": figures})
    return bulletin


@transaction.atomic
def edit_section(*, section: Section, by: User, heading: str, text: str, expected_version: int) -> Section:
    """Change a section's heading and words; its rows stay those it was generated from."""
    bulletin = _locked(section.bulletin)
    _office(by, bulletin.issuer)
    _allow("edit", bulletin)
    section = Section.objects.select_for_update().get(pk=section.pk)
    if section.version != expected_version:
        raise StaleVersion(section.version)
    heading = required_text(heading, "heading", _("Give the section a heading."), HEADING_MAX)
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("Keep it within %(n)s characters.") % {"n": TEXT_MAX}})
    before = {"heading": section.heading, "text": section.text}
    section.heading, section.text, section.version = heading, text, section.version + 1
    section.save(update_fields=["heading", "text", "version"])
    record(
        actor=by, action=Action.BULLETIN_SECTION_EDIT, obj=section, before=before,
        after={"heading": heading, "text": text},
    )  # fmt: skip
    return section


@transaction.atomic
def publish(*, bulletin: Bulletin, by: User) -> Bulletin:
    """Publish a ready bulletin and tell the people of the units it covers."""
    bulletin = _locked(bulletin)
    _office(by, bulletin.issuer)
    _allow("publish", bulletin)
    before = snapshot(bulletin)
    bulletin.state, bulletin.published_at, bulletin.published_by = State.PUBLISHED, clock.now(), by
    bulletin.save(update_fields=["state", "published_at", "published_by"])
    record(actor=by, action=Action.BULLETIN_PUBLISH, obj=bulletin, before=before, after=snapshot(bulletin))
    units = list(Unit.objects.filter(path__startswith=bulletin.scope.path, is_active=True))
    with translation.override(settings.LANGUAGE_CODE):  # the office's words, whoever clicked
        title = _("Bulletin published: %(title)s") % {"title": bulletin.title}
        body = _("%(issuer)s published %(number)s %(title)s.") % {
            "issuer": bulletin.issuer.name, "number": bulletin.number, "title": bulletin.title,
        }  # fmt: skip
    notify(
        recipients=people_of_units(units),
        kind=NOTICE_KIND,
        title=title,
        body=body,
        key=f"bulletin:{bulletin.pk}",
        url=reverse("bulletins:detail", args=[bulletin.pk]),
        units=units,
        by=by,
    )
    return bulletin
