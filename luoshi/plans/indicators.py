"""Which way an indicator (指标) should move. Pure: the light rules and the task model both read it."""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"  # e.g. investment, output
    LOWER = "lower"  # lower is better, e.g. PM2.5, approval days
