"""Inspections and rectifications for tests: made and moved through the services, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.supervision import inspections
from luoshi.supervision.models import Inspection, Rectification, RectState

STARTS, ENDS = dt.date(2026, 11, 23), dt.date(2026, 11, 25)
RECT_DUE = dt.date(2026, 12, 15)  # four weeks after DEFAULT_NOW, as an item's


def make_inspection(city: Any, *, by: Any = None, units: Any = None, **fields: Any) -> Inspection:
    """The city's office inspects 青山县 (and 白沙县 unless told otherwise) for three days."""
    values: dict[str, Any] = {
        "title": "安全生产大检查第一轮督查",
        "scope": "重点检查危化品企业隐患排查整治台账。",
        "starts": STARTS,
        "ends": ENDS,
        **fields,
    }
    chosen = units if units is not None else [city.qingshan, city.baisha]
    return inspections.create_inspection(by=by or city.city_supervisor, units=chosen, **values)


def make_rectification(
    city: Any, inspection: Inspection, *, unit: Any = None, **fields: Any
) -> Rectification:
    values: dict[str, Any] = {
        "problem": "部分企业隐患整改台账未逐项销号",
        "measures": "逐户复查，建立问题清单，限期整改到位。",
        "responsible": "王建国",
        "due": RECT_DUE,
        **fields,
    }
    return inspections.record_finding(
        inspection=inspection, by=city.city_supervisor, unit=unit or city.qingshan, **values
    )


def evidence(name: str = "整改照片.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 rectified", content_type="application/pdf")


def rectifier(city: Any, rectification: Rectification) -> Any:
    """A liaison of the rectifying unit among the personas."""
    if rectification.unit == city.baisha:
        return city.outsider
    if rectification.unit == city.qingshan_town:
        return city.township_liaison
    return city.county_liaison


def drive_rect(city: Any, rectification: Rectification, state: str) -> Rectification:
    """Move a rectification to `state` through the services."""
    if state in (RectState.REQUESTED, RectState.CLOSED):
        inspections.request_close_out(
            rectification=rectification,
            by=rectifier(city, rectification),
            statement="已完成整改，附整改前后照片。",
            uploads=[evidence()],
        )
    if state == RectState.CLOSED:
        inspections.verify_close_out(rectification=rectification, by=city.city_supervisor)
    return Rectification.objects.get(pk=rectification.pk)
