"""Tasks changed inside `changes_held` are told of once, at its end, and not at all when it fails."""

from collections.abc import Iterator

import pytest

from luoshi.core.events import changes_held, task_changed, tasks_changed


@pytest.fixture
def told(db: object) -> Iterator[list[frozenset[int]]]:
    """What the receivers hear; the apps' own receivers hear it too (of tasks that do not exist)."""
    heard: list[frozenset[int]] = []

    def hear(*, task_ids: frozenset[int], **_: object) -> None:
        heard.append(task_ids)

    task_changed.connect(hear, dispatch_uid="test_events.hear")
    yield heard
    task_changed.disconnect(dispatch_uid="test_events.hear")


def test_a_change_is_told_at_once(told):
    tasks_changed([3, 1])
    assert told == [frozenset({1, 3})]


def test_changes_held_are_told_once_each_when_the_hold_ends(told):
    with changes_held():
        tasks_changed([1])
        tasks_changed([2, 1])
        with changes_held():  # an inner hold leaves the telling to the outer one
            tasks_changed([3])
        assert told == []
    assert told == [frozenset({1, 2, 3})]


def test_nothing_is_told_when_the_held_block_fails(told):
    with pytest.raises(ValueError), changes_held():
        tasks_changed([1])
        raise ValueError
    assert told == []
    tasks_changed([2])  # the hold is over
    assert told == [frozenset({2})]


def test_a_hold_without_changes_tells_nothing(told):
    with changes_held():
        pass
    assert told == []


def test_created_tells_of_tasks_written_at_hand_only(told):
    with pytest.raises(ValueError):  # a receiver would skip reading what it was not handed
        tasks_changed([1], created=True)
    assert told == []
