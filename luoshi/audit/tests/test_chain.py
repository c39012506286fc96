import hashlib
import hmac
import importlib
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, models, transaction
from django.db.migrations.loader import MigrationLoader

from luoshi.audit import anchor, guard, hashing
from luoshi.audit.models import AppendOnlyError, AuditBlock, AuditEvent, canonical_json
from luoshi.audit.services import record, seal_all, sealing_deferred, verify
from luoshi.testing import build_city, make_task

OTHER_KEY = "another-key-that-someone-guessed-0123456789"


def sealed_city_events(city):
    make_task(city, title="推进园区扩区提质")
    make_task(city, title="实施城市更新行动", lead_unit=city.baisha)
    assert seal_all() >= 1
    result = verify()
    assert result.ok, result.problems
    return list(AuditEvent.objects.order_by("id"))


def two_sealed_blocks(city):
    sealed_city_events(city)
    make_task(city, title="新增一项任务")
    assert seal_all() == 1
    return list(AuditBlock.objects.order_by("id"))


def run_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql, params=()):
    """Write as someone who owns the tables would: with the triggers dropped for the statement."""
    with guard.lifted(connection):
        run_sql(sql, params)


def refused(sql, params=()):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        run_sql(sql, params)
    return True


def unkeyed_digest(event):
    """What a digest is without the key: the plain SHA-256 that anyone can recompute."""
    return hashlib.sha256(canonical_json(event.content()).encode()).hexdigest()


def test_every_write_in_the_city_is_sealed_and_verifies(city):
    events = sealed_city_events(city)
    assert {"unit.create", "user.create", "plan.create", "task_list.create", "task.create"} <= {
        e.action for e in events
    }
    assert AuditEvent.objects.filter(block__isnull=True).count() == 0
    [block] = AuditBlock.objects.all()
    assert block.scheme == "hmac-sha256" and len(block.key_id) == 16
    assert verify().events == len(events)


def test_an_edited_sealed_event_is_detected(city):
    events = sealed_city_events(city)
    victim = events[-1]
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", victim.pk])
    result = verify()
    assert not result.ok
    assert any(f"event {victim.pk}" in p for p in result.problems)


def test_an_edit_that_also_rewrites_the_digest_is_caught_by_the_block_root(city):
    events = sealed_city_events(city)
    victim = AuditEvent.objects.get(pk=events[3].pk)
    victim.actor_name = "冒名者"
    tamper(
        "UPDATE audit_auditevent SET actor_name = %s, digest = %s WHERE id = %s",
        ["冒名者", victim.compute_digest(), victim.pk],
    )
    result = verify()
    assert not result.ok
    assert any("changed, removed or reordered" in p for p in result.problems)


def test_a_deleted_event_is_detected(city):
    events = sealed_city_events(city)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    result = verify()
    assert not result.ok
    assert any("holds" in p for p in result.problems)


def test_reordered_events_are_detected(city):
    events = sealed_city_events(city)
    a, b = events[1], events[2]
    # Swap the two rows' places in the block: each keeps a valid digest, the order is what changes.
    tamper("UPDATE audit_auditevent SET position = NULL WHERE id IN (%s, %s)", [a.pk, b.pk])
    tamper("UPDATE audit_auditevent SET position = %s WHERE id = %s", [b.position, a.pk])
    tamper("UPDATE audit_auditevent SET position = %s WHERE id = %s", [a.position, b.pk])
    result = verify()
    assert not result.ok
    assert any("reordered" in p for p in result.problems)


def test_a_rewritten_block_breaks_the_link_to_the_next(city):
    first, _ = two_sealed_blocks(city)
    tamper("UPDATE audit_auditblock SET hash = %s WHERE id = %s", ["f" * 64, first.pk])
    result = verify()
    assert any("does not link" in p for p in result.problems)
    assert any("hash does not match" in p for p in result.problems)


def test_an_edited_unsealed_event_is_detected(city):
    make_task(city)
    victim = AuditEvent.objects.order_by("-id").first()
    tamper("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"title": "改过的"}', victim.pk])
    assert not verify().ok


# The three rewrites `verify` missed before the chain was keyed, sealed on commit and anchored.


def test_deleting_the_newest_block_with_its_events_is_detected_by_the_anchor(city):
    _, newest = two_sealed_blocks(city)
    tamper("DELETE FROM audit_auditevent WHERE block_id = %s", [newest.pk])
    tamper("DELETE FROM audit_auditblock WHERE id = %s", [newest.pk])
    result = verify()
    assert not result.ok
    assert any(f"block {newest.pk}" in p and "cut short" in p for p in result.problems)


def test_an_unsealed_edit_with_a_recomputed_digest_is_detected(city):
    make_task(city, title="原来的标题")
    victim = AuditEvent.objects.order_by("-id").first()
    victim.after = {**victim.after, "title": "改过的"}
    tamper(
        "UPDATE audit_auditevent SET after = %s, digest = %s WHERE id = %s",
        [canonical_json(victim.after), unkeyed_digest(victim), victim.pk],
    )
    result = verify()
    assert not result.ok
    assert any(f"event {victim.pk}" in p for p in result.problems)


def test_an_event_deleted_soon_after_its_write_is_detected(
    city, django_capture_on_commit_callbacks, settings
):
    settings.AUDIT_SEAL_EVERY = 0  # sealed at its commit, whenever this process last sealed
    with django_capture_on_commit_callbacks(execute=True):
        make_task(city, title="写完即封存")
    assert not AuditEvent.objects.filter(block__isnull=True).exists()
    newest = AuditEvent.objects.order_by("-id").first()
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    result = verify()
    assert not result.ok
    assert any("holds" in p for p in result.problems)


def recompute_the_chain_unkeyed(blocks=None):
    """Rewrite every digest, root and hash from the start, as anyone without the key can."""
    prev_hash = "0" * 64
    for block in blocks or AuditBlock.objects.order_by("id"):
        events = list(AuditEvent.objects.filter(block=block).order_by("position"))
        for event in events:
            event.digest = unkeyed_digest(event)
            tamper("UPDATE audit_auditevent SET digest = %s WHERE id = %s", [event.digest, event.pk])
        lines = "".join(f"{e.position}:{e.pk}:{e.digest}\n" for e in events)
        root = hashlib.sha256(lines.encode()).hexdigest()
        text = f"{prev_hash}|{root}|{len(events)}|{block.sealed_at.isoformat()}"
        block_hash = hashlib.sha256(text.encode()).hexdigest()
        tamper(
            "UPDATE audit_auditblock SET events_root = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [root, prev_hash, block_hash, block.pk],
        )
        prev_hash = block_hash


def test_an_old_event_rewritten_with_every_hash_recomputed_is_detected(city):
    first, _ = two_sealed_blocks(city)
    victim = AuditEvent.objects.filter(block=first).order_by("position")[1]
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", victim.pk])
    recompute_the_chain_unkeyed()
    result = verify()
    assert not result.ok
    assert any("hash does not match" in p for p in result.problems)


def test_a_chain_rewritten_as_unkeyed_from_the_start_is_caught_by_the_anchor(city):
    blocks = two_sealed_blocks(city)
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE block_id = %s", ["冒名者", blocks[0].pk])
    tamper("UPDATE audit_auditblock SET scheme = %s, key_id = %s", ["sha256", ""])
    recompute_the_chain_unkeyed()
    problems = verify().problems
    assert {f"block {b.pk}: its hash is not the one anchored, so it was rewritten" for b in blocks} <= set(
        problems
    )


def test_a_chain_verified_with_another_key_is_refused(city, settings):
    sealed_city_events(city)
    settings.AUDIT_KEY = OTHER_KEY
    result = verify()
    assert not result.ok
    assert any("sealed with another key" in p for p in result.problems)
    assert any("content does not match its digest" in p for p in result.problems)


def test_a_block_sealed_with_another_key_is_refused(city, settings):
    sealed_city_events(city)
    settings.AUDIT_KEY = OTHER_KEY
    make_task(city, title="用另一把钥匙封存")
    seal_all()
    settings.AUDIT_KEY = OTHER_KEY.upper()
    assert any("sealed with another key" in p for p in verify().problems)


def test_a_chain_sealed_before_the_key_verifies_and_the_first_keyed_block_protects_it(city):
    # As an upgraded database holds it: unkeyed digests, sealed by the migration into unkeyed blocks.
    for event in AuditEvent.objects.all():
        tamper("UPDATE audit_auditevent SET digest = %s WHERE id = %s", [unkeyed_digest(event), event.pk])
    migration = importlib.import_module("luoshi.audit.migrations.0003_keyed_chain")
    migration.seal_unkeyed(
        MigrationLoader(connection).project_state(("audit", "0003_keyed_chain")).apps, None
    )
    [unkeyed] = AuditBlock.objects.all()
    assert unkeyed.scheme == "sha256" and verify().ok
    make_task(city, title="升级后的第一项任务")
    seal_all()
    keyed = AuditBlock.objects.order_by("-id").first()
    assert keyed.scheme == "hmac-sha256" and keyed.prev_hash == unkeyed.hash
    assert verify().ok

    victim = unkeyed.events.order_by("position")[2]
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", victim.pk])
    recompute_the_chain_unkeyed([unkeyed])
    assert f"block {keyed.pk}: does not link to the block before it" in verify().problems


# The database refuses UPDATE and DELETE, whoever sends them.


def test_the_database_refuses_to_change_or_delete_a_sealed_event_or_a_block(city):
    event = sealed_city_events(city)[0]
    block = AuditBlock.objects.get()
    assert refused("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", event.pk])
    assert refused("UPDATE audit_auditevent SET block_id = NULL, position = NULL WHERE id = %s", [event.pk])
    assert refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert refused("DELETE FROM audit_auditevent")
    assert refused("UPDATE audit_auditblock SET hash = %s WHERE id = %s", ["f" * 64, block.pk])
    assert refused("DELETE FROM audit_auditblock")
    assert AuditEvent.objects.filter(pk=event.pk, actor_name=event.actor_name).exists()
    assert verify().ok


def test_the_database_refuses_to_change_any_column_of_an_unsealed_event(city, clock):
    make_task(city)
    event = AuditEvent.objects.order_by("-id").first()
    values = {
        models.DateTimeField: clock.now().replace(year=2020),
        models.BigIntegerField: 987654,
        models.CharField: "tampered",
        models.JSONField: {"tampered": True},
        models.GenericIPAddressField: "10.9.9.9",
    }
    columns = [f for f in AuditEvent._meta.concrete_fields if f.attname not in ("id", *guard.PLACEMENT)]
    for field in columns:
        # A plain QuerySet, which the append-only one is not, so the SQL reaches the database.
        plain = models.QuerySet(AuditEvent).filter(pk=event.pk)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            plain.update(**{field.attname: values[type(field)]})
    assert verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_audit_tables(transactional_db, settings):
    # Committed: inside a test's transaction the deferred foreign keys would refuse TRUNCATE first.
    settings.AUDIT_SEAL_EVERY = 0  # sealed at its commit, whenever this process last sealed
    build_city()
    assert AuditBlock.objects.exists()
    assert refused("TRUNCATE audit_auditevent")
    assert refused("TRUNCATE audit_auditblock CASCADE")


def test_the_sealers_placing_of_unsealed_events_is_the_one_update_allowed(city):
    make_task(city)
    assert AuditEvent.objects.filter(block__isnull=True).exists()
    assert seal_all() == 1
    assert not AuditEvent.objects.filter(block__isnull=True).exists()


def test_events_and_blocks_cannot_be_changed_or_deleted_through_the_orm(city):
    sealed_city_events(city)
    event = AuditEvent.objects.first()
    event.actor_name = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["actor_name"])
    block = AuditBlock.objects.get()
    with pytest.raises(AppendOnlyError):
        block.save()
    with pytest.raises(AppendOnlyError):
        block.delete()
    with pytest.raises(AppendOnlyError):
        AuditBlock.objects.update(hash="f" * 64)
    with pytest.raises(AppendOnlyError):
        AuditBlock.objects.all().delete()
    assert verify().ok


def test_flush_still_empties_the_database_and_leaves_the_guard_in_place(transactional_db):
    build_city()
    seal_all()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists() and not AuditBlock.objects.exists()
    build_city()
    assert refused("DELETE FROM audit_auditevent")


# Sealing on commit, and the anchor.


def test_a_write_is_sealed_and_anchored_once_its_transaction_commits(
    city, django_capture_on_commit_callbacks, settings
):
    settings.AUDIT_SEAL_EVERY = 0  # sealed at its commit, whenever this process last sealed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_task(city, title="一次提交")
    assert len(callbacks) == 1  # one seal per transaction, however many events it wrote
    block = AuditBlock.objects.order_by("-id").first()
    assert block.events.filter(action="task.create").exists()
    heads, unreadable = anchor.read()
    assert heads[-1] == anchor.head_of(block) and not unreadable
    result = verify()
    assert result.ok and result.unsealed == 0 and result.unanchored == 0


def test_a_bulk_load_seals_once_at_the_end_even_when_it_fails(city, django_capture_on_commit_callbacks):
    seal_all()
    blocks = AuditBlock.objects.count()
    with pytest.raises(RuntimeError), sealing_deferred():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            make_task(city, title="批量一")
            make_task(city, title="批量二")
        assert callbacks == []  # nothing sealed after each commit…
        assert AuditEvent.objects.filter(block__isnull=True, action="task.create").count() == 2
        raise RuntimeError("the load fails half-way")
    # …and what was committed is sealed on the way out, in one block.
    assert AuditBlock.objects.count() == blocks + 1
    assert not AuditEvent.objects.filter(block__isnull=True).exists()
    assert verify().ok


def test_the_anchor_is_only_appended_to(city):
    two_sealed_blocks(city)
    heads, _ = anchor.read()
    assert [h.block_id for h in heads] == list(AuditBlock.objects.order_by("id").values_list("id", flat=True))
    assert oct(anchor.path().stat().st_mode & 0o777) == oct(0o600)


def test_a_missing_anchor_file_is_warned_about(city):
    sealed_city_events(city)
    anchor.path().unlink()
    result = verify()
    assert result.warnings == [f"no anchor file at {anchor.path()}: a chain cut short would not show"]
    assert result.unanchored == 1


def test_the_head_command_prints_the_latest_head(city, capsys):
    _, newest = two_sealed_blocks(city)
    call_command("audit", "head")
    out = capsys.readouterr().out
    assert f"block {newest.pk}" in out and newest.hash in out and "hmac-sha256" in out
    assert "(as in the anchor file)" in out


def test_the_verify_command_fails_loudly_on_tampering(city, capsys):
    sealed_city_events(city)
    call_command("audit", "verify")
    assert "audit chain OK" in capsys.readouterr().out
    tamper("DELETE FROM audit_auditevent WHERE id = (SELECT MAX(id) FROM audit_auditevent)")
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit", "verify")


# SM3, the OSCCA hash.


def test_sm3_gives_the_standards_test_vectors():
    # GB/T 32905-2016, appendix A: "abc", and "abcd" repeated to 512 bits.
    assert hashing.sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert hashing.sm3(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


@pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="this OpenSSL has no SM3")
def test_hmac_sm3_agrees_with_the_hmac_module_over_openssl():
    scheme = hashing.Scheme.keyed(algorithm="sm3", key=b"k" * 40)
    for message in (b"", b"abc", "审计".encode() * 100):
        assert scheme.mac(message) == hmac.new(b"k" * 40, message, "sm3").hexdigest()


def test_a_chain_sealed_with_sm3_verifies_and_catches_an_edit(city, settings):
    sealed_city_events(city)  # sealed with SHA-256 before the switch
    settings.AUDIT_HASH = "sm3"
    make_task(city, title="国密算法封存")
    seal_all()
    newest = AuditBlock.objects.order_by("-id").first()
    assert newest.scheme == "hmac-sm3"
    assert verify().ok
    victim = newest.events.first()
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["冒名者", victim.pk])
    assert any(f"event {victim.pk}" in p for p in verify().problems)


def test_writers_sealing_at_the_same_moment_make_one_unforked_chain(transactional_db, settings):
    settings.AUDIT_SEAL_EVERY = 0  # every commit seals: the writers race each other for the head
    city = build_city()
    barrier = threading.Barrier(4)
    failures = []

    def write(n):
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():  # a writer's transaction, seen from the audit trail
                    record(actor=city.admin, action="unit.update", obj=city.qingshan)
                    record(actor=city.admin, action="unit.update", obj=city.baisha)
        except Exception as exc:  # collected for the assertion
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    blocks = list(AuditBlock.objects.order_by("id"))
    assert len({b.prev_hash for b in blocks}) == len(blocks)  # no two blocks follow the same one
    assert AuditEvent.objects.filter(action="unit.update").count() == 40
    result = verify()
    assert result.ok, result.problems
    assert result.unsealed == 0 and result.unanchored == 0


def test_a_process_seals_after_a_commit_at_most_once_an_interval_and_the_job_seals_the_rest(
    transactional_db, settings, monkeypatch
):
    from luoshi.audit import jobs, services
    from luoshi.core import clock

    city = build_city()
    seal_all()
    settings.AUDIT_SEAL_EVERY = 1.0
    moment = [1000.0]
    monkeypatch.setattr(clock, "monotonic", lambda: moment[0])
    monkeypatch.setattr(services, "_last_sealed", -float("inf"))
    blocks = AuditBlock.objects.count()

    def commit_one():
        with transaction.atomic():
            record(actor=city.admin, action="unit.update", obj=city.qingshan)

    commit_one()  # the first commit of the process seals at once
    unsealed = AuditEvent.objects.filter(block__isnull=True)
    assert (AuditBlock.objects.count(), unsealed.count()) == (blocks + 1, 0)
    moment[0] += 0.4
    commit_one()
    moment[0] += 0.5
    commit_one()  # 0.9 s after the last seal: both wait
    assert unsealed.count() == 2
    moment[0] += 0.2
    commit_one()  # past the second: the three go into one block
    assert AuditBlock.objects.count() == blocks + 2
    assert AuditBlock.objects.order_by("-id").first().event_count == 3
    moment[0] += 0.1
    commit_one()  # a quiet moment after it: left for the worker
    assert unsealed.count() == 1
    assert jobs.seal_audit_events.call_local() == 1
    result = verify()
    assert result.ok and result.unsealed == 0, result.problems
