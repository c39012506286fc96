"""The default escalation ladder (shared by every kind of chasing), available to tests that need it."""

from __future__ import annotations

from typing import Any

# The ladder most city offices use; change it in the database to suit local rules. Its first rung, the
# reminder (催报), is the late notice every late report already sends, so the ladder starts above it.
LADDER = [
    (1, "蓝色督办单", "blue", 2, False),
    (2, "黄色督办单", "yellow", 3, True),
    (3, "红色督办单", "red", 4, True),
    (4, "约谈", "red", 6, True),
]


def install_default_ladder(step_model: Any) -> None:
    for order, name, color, missed, leader in LADDER:
        step_model.objects.get_or_create(
            order=order,
            defaults={"name": name, "color": color, "missed_in_a_row": missed, "notify_leader": leader},
        )
