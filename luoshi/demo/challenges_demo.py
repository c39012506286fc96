"""揭榜挂帅 in the demo city: one call decided (three applicants, one selected, its task created and its
军令状 signed) and one still open with two applications, each step written through the services at the
moment it would have happened, dated relative to the demo's today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from luoshi.challenges import services
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.services import CallText, Choice, Commitment
from luoshi.core import clock
from luoshi.orgs.models import Role, Unit, User
from luoshi.plans.models import TaskList

LIST_NAME = "揭榜挂帅事项清单"


@contextmanager
def _on(today: dt.date, days: int, hour: int = 10) -> Iterator[None]:
    """Run the block at `hour` o'clock `days` after `today` (before it when negative)."""
    with clock.frozen(clock.at_local(today + dt.timedelta(days=days), dt.time(hour))):
        yield


def _person(unit: Unit, role: str) -> User:
    person = User.objects.filter(unit=unit, role=role, is_active=True).order_by("id").first()
    if person is None:
        raise LookupError(f"the demo has no {role} in {unit}")
    return person


def _apply(call: OpenCall, unit_name: str, proposal: str, target: str, due: dt.date) -> Application:
    unit = Unit.objects.get(name=unit_name)
    head, liaison = _person(unit, Role.UNIT_HEAD), _person(unit, Role.LIAISON)
    commitment = Commitment(proposal=proposal, target=target, committed_due=due, leader=head, owner=liaison)
    return services.submit_application(call=call, unit=unit, by=liaison, commitment=commitment)


def load(
    *, office: User, now: dt.datetime, progress: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Write the demo's open calls as of `now`; return how many calls and applications."""
    today = clock.local(now).date()
    task_list = TaskList.objects.filter(name=LIST_NAME).order_by("-plan__year").first()
    if task_list is None:
        return {}
    made: dict[str, Any] = {}

    with _on(today, -45):
        decided = services.create_call(
            by=office,
            task_list=task_list,
            text=CallText(
                title="关键核心技术攻关：园区污水集中处理提标扩能",
                problem="临江高新区和临港产业园污水处理能力接近饱和，出水标准偏低，制约新项目落地和园区扩容。",
                requirements="具有同类工程组织实施经验；有专门工作专班和资金筹措方案；能在一年内形成实质性进展。",
                goal="新增日处理能力2万吨，出水达到地表水准Ⅳ类标准，实现园区企业废水应收尽收。",
                closes_on=today - dt.timedelta(days=20),
                max_selected=1,
            ),
        )
    with _on(today, -44):
        services.publish_call(call=decided, by=office)
    due = today + dt.timedelta(days=220)
    with _on(today, -36, hour=15):
        chosen = _apply(
            decided, "临江高新技术产业开发区",
            "采用“园区+专业运营商”模式，分两期建设，一期扩建1.2万吨/日，二期新建0.8万吨/日，同步建设在线监测。",
            "新增日处理能力2万吨，出水稳定达到地表水准Ⅳ类", due,
        )  # fmt: skip
    with _on(today, -31, hour=11):
        _apply(
            decided, "青山县",
            "依托县污水处理厂扩建，铺设园区专用管网8公里，争取省级专项资金。",
            "新增日处理能力1万吨", due + dt.timedelta(days=60),
        )  # fmt: skip
    with _on(today, -26, hour=16):
        _apply(
            decided, "市生态环境局",
            "牵头制定园区污水排放标准，推行第三方治理，开展企业预处理达标专项行动。",
            "园区企业预处理达标率100%", due + dt.timedelta(days=30),
        )  # fmt: skip
    with _on(today, -19, hour=9):
        services.close_call(call=decided, by=office)
    with _on(today, -15, hour=14):
        notes = {
            chosen.pk: "方案技术路线成熟，资金和运营主体落实，承诺时限和标准最优。",
        }
        rest = "方案有价值，请作为配合单位参与，纳入下步工作统筹推进。"
        choices = [
            Choice(a, a.pk == chosen.pk, notes.get(a.pk, rest))
            for a in decided.applications.select_related("unit").order_by("pk")
        ]
        services.decide_applications(call=decided, by=office, choices=choices)
    with _on(today, -13, hour=10):
        chosen.refresh_from_db()
        head = _person(chosen.unit, Role.UNIT_HEAD)
        services.sign_pledge(
            application=chosen,
            by=head,
            commitment=f"确保{due.year}年{due.month}月{due.day}日前新增日处理能力2万吨，出水稳定达标。",
        )

    with _on(today, -8):
        open_call = services.create_call(
            by=office,
            task_list=task_list,
            text=CallText(
                title="营商环境改革：企业开办“一日办结”",
                problem="企业开办涉及登记、刻章、发票、社保、公积金等环节，平均用时仍需3个工作日，企业反映跑动多。",
                requirements="具备政务服务一体化平台基础；能协调相关部门数据共享；有试点经验者优先。",
                goal="企业开办全流程压缩至1个工作日内，实现“一表申报、一网通办、一次领取”。",
                closes_on=today + dt.timedelta(days=10),
            ),
        )
    with _on(today, -7):
        services.publish_call(call=open_call, by=office)
    with _on(today, -4, hour=15):
        _apply(
            open_call, "市政务服务管理局",
            "打造企业开办“一件事”专区，整合登记、刻章、发票、社保、公积金五个环节，推行电子营业执照和免费刻章。",
            "企业开办1个工作日内办结", today + dt.timedelta(days=120),
        )  # fmt: skip
    with _on(today, -2, hour=11):
        _apply(
            open_call, "江城区",
            "在区政务服务中心设企业开办专窗，试点“帮办代办”，与税务、银行数据直连。",
            "区内企业开办0.5个工作日办结", today + dt.timedelta(days=90),
        )  # fmt: skip
    made["open_calls"] = 2
    made["call_applications"] = Application.objects.filter(call__in=[decided, open_call]).count()
    progress(f"{made['open_calls']} open calls, {made['call_applications']} applications")
    return made
