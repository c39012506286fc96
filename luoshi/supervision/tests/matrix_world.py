"""督办件 for the site-wide access tests (web/tests/test_permission_matrix.py, test_hostile_forms.py): in
each place one item in every state an address acts on, issued by the city's office to the place's unit.

Imports Django models only when called: the access tests import this module before Django is set up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

KINDS = ("assigned", "signed", "feedback", "pending")  # the state each address needs
PARK = "白沙县农业园区"  # the co-unit THERE (test_permission_matrix's build_world makes it)


def co_unit(city: Any, unit: Any) -> Any:
    """市发展改革委 for 青山县's corner, 白沙县's park for 白沙县's."""
    from luoshi.orgs.models import Unit

    return city.fgw if unit != city.baisha else Unit.objects.get(name=PARK)


def build(city: Any, units: tuple[Any, ...]) -> None:
    """For each unit: one item per kind, led by it, with a co-unit; the feedback one carries a file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.supervision import services
    from luoshi.supervision.tests.factory import lead_person

    office = city.city_supervisor
    for unit in units:
        for kind in KINDS:
            item = services.create_item(
                by=office, title=f"{unit.name}的督办件（{kind}）", content="请按期办结。", source="other",
                urgency="urgent", lead_unit=unit, co_units=[co_unit(city, unit)], due=dt.date(2026, 12, 31),
            )  # fmt: skip
            if kind == "assigned":
                continue
            lead = lead_person(city, item)
            item = services.sign_item(item=item, by=lead)
            if kind == "feedback":
                pdf = SimpleUploadedFile("办理情况.pdf", b"%PDF-1.7 matrix", content_type="application/pdf")
                services.submit_feedback(item=item, by=lead, statement="已办理完毕", uploads=[pdf])
            if kind == "pending":
                services.request_extension(
                    item=item, by=lead, new_due=dt.date(2027, 1, 31), reason="需跨年施工"
                )


def item(unit: Any, kind: str) -> Any:
    from luoshi.supervision.models import SupervisionItem

    return SupervisionItem.objects.get(lead_unit=unit, title=f"{unit.name}的督办件（{kind}）")


def args(unit: Any, kind: str) -> dict[str, int]:
    return {"pk": item(unit, kind).pk}


def file_args(unit: Any) -> dict[str, int]:
    from luoshi.supervision.models import FeedbackFile

    found = item(unit, "feedback")
    return {"pk": found.pk, "file_pk": FeedbackFile.objects.get(feedback__item=found).pk}


def extension_args(unit: Any) -> dict[str, int]:
    return {"pk": item(unit, "pending").extensions.get().pk}


def item_form(unit: Any) -> dict[str, Any]:
    return {
        "title": "督促解决企业用地问题",
        "content": "请于月底前办结。",
        "source": "meeting",
        "urgency": "ordinary",
        "lead_unit": unit.pk,
        "due": "2026-12-31",
    }


# 督查 and 整改 ---------------------------------------------------------------------------------------------

RECT_KINDS = ("in_progress", "requested")  # the state each rectification address needs


def build_inspections(city: Any, units: tuple[Any, ...]) -> None:
    """For each unit: an inspection of it by the city's office, with a rectification in each kind; the
    requested one carries its evidence file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from luoshi.supervision import inspections
    from luoshi.supervision.tests.inspection_factory import rectifier

    office = city.city_supervisor
    for unit in units:
        inspection = inspections.create_inspection(
            by=office, title=f"{unit.name}的督查", starts=dt.date(2026, 11, 23), ends=dt.date(2026, 11, 24),
            units=[unit],
        )  # fmt: skip
        for kind in RECT_KINDS:
            rect = inspections.record_finding(
                inspection=inspection, by=office, unit=unit, problem=f"{unit.name}的问题（{kind}）",
                measures="限期整改", responsible="张三", due=dt.date(2026, 12, 31),
            )  # fmt: skip
            if kind == "requested":
                pdf = SimpleUploadedFile("整改照片.pdf", b"%PDF-1.7 matrix", content_type="application/pdf")
                inspections.request_close_out(
                    rectification=rect, by=rectifier(city, rect), statement="已整改到位", uploads=[pdf]
                )


def inspection_args(unit: Any) -> dict[str, int]:
    from luoshi.supervision.models import Inspection

    return {"pk": Inspection.objects.get(title=f"{unit.name}的督查").pk}


def rectification(unit: Any, kind: str) -> Any:
    from luoshi.supervision.models import Rectification

    return Rectification.objects.get(unit=unit, finding__problem=f"{unit.name}的问题（{kind}）")


def rect_args(unit: Any, kind: str) -> dict[str, int]:
    return {"pk": rectification(unit, kind).pk}


def finding_args(unit: Any) -> dict[str, int]:
    return {"pk": rectification(unit, "in_progress").finding_id}


def close_out_file_args(unit: Any) -> dict[str, int]:
    from luoshi.supervision.models import CloseOutFile

    found = rectification(unit, "requested")
    return {"pk": found.pk, "file_pk": CloseOutFile.objects.get(close_out__rectification=found).pk}


def inspection_form(unit: Any) -> dict[str, Any]:
    return {
        "title": "专项督查",
        "scope": "",
        "starts": "2026-12-01",
        "ends": "2026-12-02",
        "units": [unit.pk],
    }


def finding_form(unit: Any) -> dict[str, Any]:
    return {
        "unit": unit.pk,
        "problem": "台账不全",
        "measures": "补齐台账",
        "responsible": "李四",
        "due": "2026-12-31",
    }
