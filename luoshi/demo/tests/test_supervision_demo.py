"""The demo city's 督办件 and 领导批示: every state, one overdue, one extended, all through the services."""

from luoshi.audit.models import AuditEvent
from luoshi.demo.tests.test_demo import TODAY, demo, loaded  # noqa: F401 -- the module's demo city
from luoshi.supervision.models import Instruction, State, SupervisionItem


def test_the_demo_has_items_in_every_state_with_one_overdue_and_one_extended(demo):  # noqa: F811
    items = SupervisionItem.objects.all()
    assert 7 <= items.count() <= 10
    assert {i.state for i in items} == set(State.values)
    assert items.overdue_items(TODAY).count() >= 1
    assert items.extended().count() == 1
    assert items.filter(feedbacks__outcome="returned").exists()
    assert items.filter(extensions__decision="pending").exists()
    assert Instruction.objects.filter(task__isnull=False).count() >= 2
    assert items.filter(instruction__isnull=False, source="instruction").exists()
    assert [i.number for i in items.order_by("number")] == list(range(1, items.count() + 1))


def test_every_demo_item_is_audited_from_its_creation(demo):  # noqa: F811
    created = AuditEvent.objects.filter(action="supervision_item.create").count()
    assert created == SupervisionItem.objects.count()
