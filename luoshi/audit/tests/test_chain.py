import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from luoshi.audit.models import AppendOnlyError, AuditBlock, AuditEvent
from luoshi.audit.services import seal_all, verify
from luoshi.testing import make_task


def sealed_city_events(city):
    make_task(city, title="推进园区扩区提质")
    make_task(city, title="实施城市更新行动", lead_unit=city.baisha)
    assert seal_all() >= 1
    result = verify()
    assert result.ok, result.problems
    return list(AuditEvent.objects.order_by("id"))


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_write_in_the_city_is_sealed_and_verifies(city):
    events = sealed_city_events(city)
    assert {"unit.create", "user.create", "plan.create", "task_list.create", "task.create"} <= {
        e.action for e in events
    }
    assert AuditEvent.objects.filter(block__isnull=True).count() == 0
    assert AuditBlock.objects.count() == 1
    assert verify().events == len(events)


def test_an_edited_sealed_event_is_detected(city):
    events = sealed_city_events(city)
    victim = events[-1]
    run_sql("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", victim.pk])
    result = verify()
    assert not result.ok
    assert any(f"event {victim.pk}" in p for p in result.problems)


def test_an_edit_that_also_rewrites_the_digest_is_caught_by_the_block_root(city):
    events = sealed_city_events(city)
    victim = AuditEvent.objects.get(pk=events[3].pk)
    victim.actor_name = "冒名者"
    run_sql(
        "UPDATE audit_auditevent SET actor_name = %s, digest = %s WHERE id = %s",
        ["冒名者", victim.compute_digest(), victim.pk],
    )
    result = verify()
    assert not result.ok
    assert any("changed, removed or reordered" in p for p in result.problems)


def test_a_deleted_event_is_detected(city):
    events = sealed_city_events(city)
    run_sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    result = verify()
    assert not result.ok
    assert any("holds" in p for p in result.problems)


def test_reordered_events_are_detected(city):
    events = sealed_city_events(city)
    a, b = events[1], events[2]
    # Swap the two rows' places in the block: each keeps a valid digest, the order is what changes.
    run_sql("UPDATE audit_auditevent SET position = NULL WHERE id IN (%s, %s)", [a.pk, b.pk])
    run_sql("UPDATE audit_auditevent SET position = %s WHERE id = %s", [b.position, a.pk])
    run_sql("UPDATE audit_auditevent SET position = %s WHERE id = %s", [a.position, b.pk])
    result = verify()
    assert not result.ok
    assert any("reordered" in p for p in result.problems)


def test_a_rewritten_block_breaks_the_link_to_the_next(city):
    sealed_city_events(city)
    make_task(city, title="新增一项任务")
    seal_all()
    first = AuditBlock.objects.order_by("id").first()
    run_sql("UPDATE audit_auditblock SET hash = %s WHERE id = %s", ["f" * 64, first.pk])
    result = verify()
    assert any("does not link" in p for p in result.problems)
    assert any("hash does not match" in p for p in result.problems)


def test_an_edited_unsealed_event_is_detected(city):
    make_task(city)
    victim = AuditEvent.objects.order_by("-id").first()
    run_sql("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"title": "改过的"}', victim.pk])
    assert not verify().ok


def test_events_cannot_be_changed_or_deleted_through_the_model(city):
    event = AuditEvent.objects.first()
    event.actor_name = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_verify_command_fails_loudly_on_tampering(city, capsys):
    sealed_city_events(city)
    call_command("audit", "verify")
    assert "audit chain OK" in capsys.readouterr().out
    run_sql("DELETE FROM audit_auditevent WHERE id = (SELECT MAX(id) FROM audit_auditevent)")
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")
