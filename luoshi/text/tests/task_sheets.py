"""Three task lists laid out as offices keep them, built with openpyxl: a 任务分解和责任分工方案 table
(title row, two-row header, key tasks merged over their measures), a 重点项目 table with a milestone column
per month, and a 督办台账 with a date cell, a formula 序号 and 长期坚持."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def division_table() -> bytes:
    """任务分解和责任分工方案: 序号 | 重点任务 | 具体举措 | 责任单位 (牵头单位 / 配合单位) | 完成时限."""
    book = Workbook()
    ws = book.active
    ws.title = "任务分工"
    ws.append(["临江市2026年优化营商环境重点任务分解和责任分工方案"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "重点任务", "具体举措", "责任单位", None, "完成时限"])
    ws.append([None, None, None, "牵头单位", "配合单位", None])
    for col in "ABCF":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:E2")
    ws.append(
        [
            1,
            "深化“一网通办”改革",
            "推进高频政务服务事项全程网办，网办率达到90%以上",
            "市发改委",
            "青山县、白沙县",
            "2026年6月底前",
        ]
    )
    ws.append([None, None, "建成市级政务服务中台，实现数据共享", "市发展和改革委员会", "白沙县", "6月30日前"])
    ws.append([None, None, "开展政务服务满意度评价，差评整改率100%", "发改委", None, "年底前"])
    ws.merge_cells("A4:A6")
    ws.merge_cells("B4:B6")
    ws.append(
        [
            2,
            "优化项目审批服务",
            "工程建设项目审批时间压减至60个工作日以内",
            "青山县（牵头）、白沙县",
            None,
            "一季度",
        ]
    )
    ws.append([3, "加强诚信体系建设", "健全守信激励和失信惩戒机制", "白沙县", "青山县", "长期坚持"])
    return _save(book)


def projects_table() -> bytes:
    """重点项目: 序号 | 项目名称 | 建设内容 | 责任单位 | 责任领导 | 完成时间 | 进度安排 over 1月 … 12月."""
    book = Workbook()
    ws = book.active
    ws.title = "重点项目"
    ws.append(["2026年市级重点项目推进计划表"])
    ws.append(["填报单位：临江市重点项目办", None, None, None, None, None, "单位：万元"])
    head = ["序号", "项目名称", "建设内容", "责任单位", "责任领导", "完成时间", "2026年进度安排"]
    ws.append(head + [None] * 11)
    ws.append([None] * 6 + [f"{m}月" for m in range(1, 13)])
    for col in "ABCDEF":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("G3:R3")
    months = [None] * 12
    months[2], months[5], months[11] = "完成立项", "开工建设", "主体完工"
    ws.append(
        [1, "青山县工业园区标准化厂房", "新建厂房12万平方米", "青山县", "王副市长", "2026年12月底前", *months]
    )
    months = [None] * 12
    months[3], months[8] = "完成征地", "完成管网铺设"
    ws.append(
        [
            2,
            "白沙县污水处理厂提标改造",
            "日处理能力提升至5万吨",
            "白沙县",
            "李副市长",
            "2026年9月底前",
            *months,
        ]
    )
    return _save(book)


def with_cached_values(data: bytes) -> bytes:
    """The workbook as Excel saves it: each formula =ROW()-n with the value it last computed beside it
    (openpyxl writes formulas with an empty value)."""

    def computed(m: re.Match[bytes]) -> bytes:
        row, offset = int(m.group(1)), int(m.group(2))
        return m.group(0).replace(b"<v></v>", b"<v>%d</v>" % (row - offset))

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb'<c r="[A-Z]+(\d+)"><f>ROW\(\)-(\d+)</f><v></v>', computed, part)
            target.writestr(info, part)
    return out.getvalue()


def ledger_table() -> bytes:
    """督办台账: a formula 序号 (its value cached), a real date cell, 长期坚持, 节点安排 as text."""
    book = Workbook()
    ws = book.active
    ws.title = "督办台账"
    ws.append(["市委督查室督办事项台账（2026年）"])
    ws.append(["序号", "督办事项", "牵头单位", "配合单位", "责任人", "办结时限", "节点安排", "备注"])
    ws.append(
        [
            1,
            "推进城区老旧小区改造",
            "青山县",
            "白沙县",
            "张三",
            dt.date(2026, 10, 31),
            "3月底前完成摸底；6月底前开工",
            None,
        ]
    )
    ws.append([2, "整治违规占道经营", "白沙县", None, "李四", "长期坚持", None, "每月通报"])
    ws.append([3, "落实河长制巡河", "市发改委", "青山县", "王五", "11月15日前", None, None])
    for row in range(3, 6):
        ws[f"A{row}"] = "=ROW()-2"
    return with_cached_values(_save(book))
