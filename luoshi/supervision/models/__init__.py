"""The supervision app's data, a module per part of the work: items and instructions (items.py), the
ladder rungs overdue items climb (chasing.py)."""

from luoshi.supervision.models.chasing import ItemEscalation
from luoshi.supervision.models.items import (
    STATE_COLOURS,
    URGENCY_COLOURS,
    CoUnitNote,
    Extension,
    Feedback,
    FeedbackFile,
    Instruction,
    InstructionQuerySet,
    ItemQuerySet,
    Series,
    Source,
    State,
    SupervisionItem,
    Urgency,
    default_prefix,
    feedback_file_path,
)

__all__ = [
    "STATE_COLOURS",
    "URGENCY_COLOURS",
    "CoUnitNote",
    "Extension",
    "Feedback",
    "FeedbackFile",
    "Instruction",
    "InstructionQuerySet",
    "ItemEscalation",
    "ItemQuerySet",
    "Series",
    "Source",
    "State",
    "SupervisionItem",
    "Urgency",
    "default_prefix",
    "feedback_file_path",
]
