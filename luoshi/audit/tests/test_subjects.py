import datetime as dt
import importlib

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from luoshi.audit import guard
from luoshi.audit.hashing import UNKEYED, Scheme
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.audit.subjects import link_of
from luoshi.plans import services as plans
from luoshi.plans.services import MilestoneSpec
from luoshi.testing import make_task

# An event as the code before subjects recorded it, with the digest that code gave it.
OLD_EVENT = {
    "occurred_at": dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
    "actor_name": "督查室",
    "action": "milestone.update",
    "object_type": "plans.milestone",
    "object_id": "900001",
    "object_repr": "完成主体工程",
    "before": {"id": 900001, "task_id": 900000, "due": "2026-06-30"},
    "after": {"id": 900001, "task_id": 900000, "due": "2026-07-31"},
}
OLD_DIGEST = "05920c0f9721ab801640e3150e033e10af1e763cf2140c0033252bfe0c0da3d8"


def tamper(sql, params=()):
    """Write as someone who owns the tables would: with the triggers dropped for the statement."""
    with guard.lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def apps_at(migration):
    """The models as they were at `migration` of the audit app, with the plain managers migrations get."""
    return MigrationLoader(connection).project_state(("audit", migration)).apps


def subject_of(event):
    return event.subject_type, event.subject_id


def test_milestones_and_pledges_join_their_tasks_history_and_a_unit_is_its_own_subject(city):
    task = make_task(city, milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)])
    milestone = task.milestones.get()
    plans.update_milestone(
        milestone=milestone,
        by=city.city_supervisor,
        title="完成主体工程",
        due=dt.date(2026, 7, 31),
        expected_progress=60,
    )
    plans.sign_pledge(task=task, by=city.county_head, commitment="确保年底前全面完工")
    plans.delete_milestone(milestone=milestone, by=city.city_supervisor)
    assert list(AuditEvent.objects.about(task).values_list("action", flat=True)) == [
        "task.create",
        "milestone.create",
        "milestone.update",
        "pledge.sign",
        "milestone.delete",
    ]
    unit_event = AuditEvent.objects.get(action="unit.create", object_id=str(city.qingshan.pk))
    assert subject_of(unit_event) == ("orgs.unit", str(city.qingshan.pk))
    assert verify().ok


def test_a_subject_rewritten_to_another_task_is_caught(city):
    task = make_task(city, milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)])
    other = make_task(city, title="实施城市更新行动")
    seal_all()
    event = AuditEvent.objects.about(task).get(action="milestone.create")
    # The digest and the block root do not cover the subject: only deriving it again catches this.
    tamper("UPDATE audit_auditevent SET subject_id = %s WHERE id = %s", [str(other.pk), event.pk])
    assert verify().problems == [
        f"event {event.pk} (milestone.create): its subject plans.task:{other.pk} is not "
        f"plans.task:{task.pk}, which its content names"
    ]


def test_the_back_fill_follows_the_links_the_models_name():
    # When a model's audit_subject changes, the subjects of its past events need filling in again.
    migration = importlib.import_module("luoshi.audit.migrations.0002_auditevent_subject")
    labels = [model._meta.label_lower for model in apps.get_models()]
    # Models made after the back-fill had no past events to fill in: their events name subjects from birth.
    later = {
        "plans.delivery",
        "plans.adjustment",
        "plans.contribution",
        "plans.deliveryfile",
        "orgs.unitalias",
        "orgs.externalidentity",
        "supervision.feedback",
        "supervision.feedbackfile",
        "supervision.extension",
        "supervision.counitnote",
        "supervision.itemescalation",
        "supervision.finding",
        "supervision.closeout",
        "supervision.closeoutfile",
        "supervision.rectificationescalation",
        "challenges.application",
        "challenges.applicationfile",
        "assessment.award",
        "assessment.rating",
        "assessment.run",
        "meetings.agendaentry",
        "meetings.decision",
        "meetings.reminderletter",
        "bulletins.section",
        "ingest.sheetimport",
    }
    links = {label: link for label in labels if label not in later and (link := link_of(label))}
    assert links == migration.LINKS


def test_a_chain_recorded_before_subjects_verifies_once_the_migration_fills_them_in(city):
    make_task(city, milestones=[MilestoneSpec("完成主体工程", dt.date(2026, 6, 30), 60)])
    old = AuditEvent.objects.create(**OLD_EVENT, digest=OLD_DIGEST)
    assert old.compute_digest(Scheme(UNKEYED)) == OLD_DIGEST
    # As the migration finds the table: unkeyed digests, the new columns empty, everything sealed unkeyed.
    for event in AuditEvent.objects.all():
        tamper(
            "UPDATE audit_auditevent SET digest = %s WHERE id = %s",
            [event.compute_digest(Scheme(UNKEYED)), event.pk],
        )
    tamper("UPDATE audit_auditevent SET subject_type = '', subject_id = ''")
    keyed = importlib.import_module("luoshi.audit.migrations.0003_keyed_chain")
    keyed.seal_unkeyed(apps_at("0003_keyed_chain"), None)
    digests = list(AuditEvent.objects.values_list("id", "digest"))
    assert not verify().ok

    migration = importlib.import_module("luoshi.audit.migrations.0002_auditevent_subject")
    with guard.lifted(connection):
        migration.fill_subjects(apps_at("0002_auditevent_subject"), None)

    result = verify()
    assert result.ok, result.problems
    assert list(AuditEvent.objects.values_list("id", "digest")) == digests
    old.refresh_from_db()
    assert subject_of(old) == ("plans.task", "900000")
    assert AuditEvent.objects.filter(subject_type="plans.task", object_type="plans.milestone").count() == 2
