"""The supervision app's data, a module per part of the work: items and instructions (items.py), the
ladder rungs overdue items climb (chasing.py), records of accountability and fault tolerance
(accountability.py)."""

from luoshi.supervision.models.accountability import (
    KIND_COLOURS,
    LIVE_EXEMPTION,
    AccountabilityRecord,
    Kind,
    RecordQuerySet,
    RecordState,
    entitled,
    entitled_q,
)
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
    "KIND_COLOURS",
    "LIVE_EXEMPTION",
    "STATE_COLOURS",
    "AccountabilityRecord",
    "URGENCY_COLOURS",
    "CoUnitNote",
    "Extension",
    "Feedback",
    "FeedbackFile",
    "Instruction",
    "InstructionQuerySet",
    "ItemEscalation",
    "ItemQuerySet",
    "Kind",
    "RecordQuerySet",
    "RecordState",
    "Series",
    "Source",
    "State",
    "SupervisionItem",
    "Urgency",
    "default_prefix",
    "entitled",
    "entitled_q",
    "feedback_file_path",
]
