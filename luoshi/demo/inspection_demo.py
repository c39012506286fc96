"""督查 and 整改 in the demo city: the office's safety inspection of three units with its findings, some
closed out after verification, one close-out awaiting the office, one returned, one overdue that the morning
chase has taken up the ladder; and two coming inspections that fall on 临港区 in the same week, which the
calendar shows (不扎堆). Each step written through the services at the moment it would have happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.core import clock
from luoshi.demo.supervision_demo import liaison_of, on_day, unit_named
from luoshi.orgs.models import User
from luoshi.supervision import inspections, rectification_chasing
from luoshi.supervision.models import Rectification

# A one-page PDF a viewer opens: what a unit's scanned 整改报告 stands in for.
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 52>>stream\nBT /F1 14 Tf 20 70 Td (Rectification evidence) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EVIDENCE, content_type="application/pdf")


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write the demo's inspections and rectifications as of `now`; return how many of each."""
    today = clock.local(now).date()

    def at(days: int, call: Callable[..., Any], hour: int = 10, **kwargs: Any) -> Any:
        with on_day(today, days, hour):
            return call(**kwargs)

    jiangcheng, lingang, yunxi = unit_named("江城区"), unit_named("临港区"), unit_named("云溪县")
    safety = at(
        -45, inspections.create_inspection, by=office, title="安全生产和消防安全大检查（第二督查组）",
        scope="重点检查老旧小区消防通道、危化品企业隐患整改台账、农村自建房安全排查整治。",
        starts=today - dt.timedelta(days=40), ends=today - dt.timedelta(days=38),
        units=[jiangcheng, lingang, yunxi],
    )  # fmt: skip

    def finding(unit: Any, problem: str, measures: str, responsible: str, due_in: int) -> Rectification:
        rect: Rectification = at(
            -37, inspections.record_finding, inspection=safety, by=office, unit=unit, problem=problem,
            measures=measures, responsible=responsible, due=today + dt.timedelta(days=due_in),
        )  # fmt: skip
        return rect

    # Closed out on the evidence, verified by the office.
    for unit, problem, measures, person, due_in, asked, verified in (
        (jiangcheng, "望江街道3个老旧小区消防通道被车辆长期占用，未落实常态化清理机制。",
         "清理占道车辆，施划消防通道标线，建立社区网格员每日巡查制度。", "陈志强", -10, -20, -18),
        (yunxi, "云溪镇2家烟花爆竹零售点与居民住宅安全距离不足。",
         "责令停业整改，依法迁址或取缔，县应急管理局复核。", "刘海燕", -5, -12, -9),
    ):  # fmt: skip
        rect = finding(unit, problem, measures, person, due_in)
        at(asked, inspections.request_close_out, hour=15, rectification=rect, by=liaison_of(unit),
           statement="已按整改措施逐项落实，附整改前后对比照片和巡查台账。",
           uploads=[_evidence("整改报告.pdf")])  # fmt: skip
        at(verified, inspections.verify_close_out, hour=16, rectification=rect, by=office)
    # Asked for close-out yesterday: awaiting the office's verification.
    waiting = finding(
        lingang, "临港产业园5家危化品企业隐患整改台账不全，2项重大隐患未闭环。",
        "逐企业建立隐患清单和整改台账，重大隐患挂牌督办，月底前全部闭环。", "周立新", 6,
    )  # fmt: skip
    at(-1, inspections.request_close_out, hour=15, rectification=waiting, by=liaison_of(lingang),
       statement="5家企业隐患台账已全部建立，2项重大隐患已完成整改并通过专家复核。",
       uploads=[_evidence("隐患整改台账.pdf"), _evidence("专家复核意见.pdf")])  # fmt: skip
    # Returned once: the evidence did not show the work; the unit carries on.
    redo = finding(
        jiangcheng, "滨江街道部分高层住宅消防设施损坏，物业维保记录缺失。",
        "督促物业企业修复消防设施，建立月度维保档案，街道每季度抽查。", "陈志强", 12,
    )  # fmt: skip
    at(-8, inspections.request_close_out, hour=15, rectification=redo, by=liaison_of(jiangcheng),
       statement="已要求物业企业修复。", uploads=[_evidence("物业承诺书.pdf")])  # fmt: skip
    at(-6, inspections.return_close_out, hour=16, rectification=redo, by=office,
       reason="只有物业承诺，没有修复后的现场照片和维保记录，请补充。")  # fmt: skip
    # Long overdue: no close-out asked for; the morning chase (below) climbs the ladder.
    finding(
        yunxi, "双河镇、桃源乡农村自建房安全排查存在漏项，3个村未建立排查台账。",
        "组织回头看，逐户排查建立台账，C、D级危房落实管控措施。", "刘海燕", -25,
    )  # fmt: skip

    # Coming: two offices' inspections fall on 临港区 in the same week, which the calendar shows.
    at(-3, inspections.create_inspection, by=office, title="生态环境保护专项督查",
       scope="中央生态环境保护督察反馈问题整改落实情况。", starts=today + dt.timedelta(days=5),
       ends=today + dt.timedelta(days=7), units=[lingang, unit_named("石门县")])  # fmt: skip
    at(-2, inspections.create_inspection, by=office, title="优化营商环境专项督查",
       scope="涉企审批服务“一网通办”和惠企政策兑现情况。", starts=today + dt.timedelta(days=6),
       ends=today + dt.timedelta(days=8), units=[lingang, unit_named("东湖区")])  # fmt: skip

    for days in range(-20, 1):  # the morning chase of the last three weeks, as items are chased
        with on_day(today, days, 8):
            rectification_chasing.chase_rectifications(now=clock.now())
    made = Rectification.objects.filter(finding__inspection=safety).count()
    progress(f"3 inspections, {made} rectifications")
    return {"inspections": 3, "rectifications": made}
