"""The demo city of 临江市: its unit tree and the people in it. Plain data, no Django."""

from __future__ import annotations

import random
from dataclasses import dataclass

CITY = "临江市"

# County or district -> its townships (subdistricts) in the demo; empty where none are modelled.
COUNTIES: dict[str, list[str]] = {
    "江城区": ["江北街道", "滨江街道", "望江街道"],
    "临港区": [],
    "东湖区": [],
    "青山县": ["青山镇", "龙泉镇", "柳林乡"],
    "白沙县": [],
    "云溪县": ["云溪镇", "双河镇", "桃源乡"],
    "石门县": ["石门镇", "平安镇"],
    "安宁市": [],
}

DEPARTMENTS = [
    "市发展改革委", "市工业和信息化局", "市科技局", "市财政局", "市教育局", "市公安局", "市民政局",
    "市人力资源社会保障局", "市自然资源和规划局", "市生态环境局", "市住房城乡建设局", "市交通运输局",
    "市水利局", "市农业农村局", "市商务局", "市文化广电旅游局", "市卫生健康委", "市应急管理局",
    "市市场监管局", "市城市管理局", "市数据局", "市医保局", "市政务服务管理局", "市统计局", "市投资促进局",
]  # fmt: skip

PARKS = ["临江高新技术产业开发区", "临江经济技术开发区", "临江临港产业园"]
TASK_FORCES = ["招商引资工作专班", "重大项目建设专班"]

# City leaders: key used by the task data -> (username, title).
LEADERS = {
    "mayor": ("mayor", "市长"),
    "exec_vice_mayor": ("vicemayor.exec", "常务副市长"),
    "vice_mayor_industry": ("vicemayor.industry", "副市长（分管工业和科技）"),
    "vice_mayor_urban": ("vicemayor.urban", "副市长（分管城建和交通）"),
    "vice_mayor_agri": ("vicemayor.agri", "副市长（分管农业农村）"),
    "vice_mayor_social": ("vicemayor.social", "副市长（分管社会事业）"),
}

HEAD_TITLES = {
    "county": "区县长",
    "township": "镇长（主任）",
    "department": "主要负责同志",
    "park": "管委会主任",
    "task_force": "专班组长",
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = (
    "建国志强海涛晓明丽娟文静军伟红梅春华秀英玉兰立新永刚国庆卫东小平德胜家豪子涵思远雨欣浩然宇航佳怡明辉振华"
)


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: str
    unit: str
    title: str


class NameMaker:
    """Plausible, distinct Chinese names from a fixed seed, so every demo run has the same people."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.75 else "")
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


SLUG_ABBREVIATIONS = {
    "人力资源社会保障": "renshe",
    "自然资源和规划": "ziranziyuan",
    "工业和信息化": "gongxin",
    "住房城乡建设": "zhujian",
    "文化广电旅游": "wenlv",
    "高新技术产业开发区": "gaoxinqu",
    "经济技术开发区": "jingkaiqu",
    "发展改革委": "fagaiwei",
}


def slug(unit_name: str) -> str:
    """A short Latin sign-in prefix for a unit, from its pinyin: 青山县 -> qingshanxian."""
    from pypinyin import lazy_pinyin

    name = unit_name.removeprefix("市") if unit_name != CITY else unit_name
    for long, short in SLUG_ABBREVIATIONS.items():
        name = name.replace(long, short)
    name = name.removeprefix("临江")
    return "".join(lazy_pinyin(name)).replace("ü", "v")


def people() -> list[Person]:
    """Everyone in the demo: an admin, the city office, the leaders, and staff in every unit."""
    names = NameMaker()
    out = [
        Person("admin", names(), "admin", "", "信息中心工程师"),
        Person("ducha", names(), "supervisor", CITY, "市委市政府督查室主任"),
        Person("ducha2", names(), "supervisor", CITY, "市委市政府督查室四级调研员"),
    ]
    out += [Person(username, names(), "leader", CITY, title) for username, title in LEADERS.values()]
    for county, townships in COUNTIES.items():
        s = slug(county)
        out.append(
            Person(f"{s}.supervisor", names(), "supervisor", county, f"{county}委{county[-1]}政府督查室主任")
        )
        out.append(
            Person(
                f"{s}.head", names(), "unit_head", county, HEAD_TITLES["county"].replace("区县", county[-1])
            )
        )
        out.append(Person(f"{s}.liaison", names(), "liaison", county, f"{county}政府办公室联络员"))
        out.append(Person(f"{s}.liaison2", names(), "liaison", county, f"{county}发展改革局联络员"))
        for township in townships:
            t = slug(township)
            out.append(Person(f"{t}.head", names(), "unit_head", township, HEAD_TITLES["township"]))
            out.append(Person(f"{t}.liaison", names(), "liaison", township, "党政办联络员"))
    for kind, units in (("department", DEPARTMENTS), ("park", PARKS), ("task_force", TASK_FORCES)):
        for unit in units:
            s = slug(unit)
            out.append(Person(f"{s}.head", names(), "unit_head", unit, HEAD_TITLES[kind]))
            out.append(Person(f"{s}.liaison", names(), "liaison", unit, "办公室联络员"))
            if kind == "department":
                out.append(Person(f"{s}.liaison2", names(), "liaison", unit, "规划科联络员"))
    return out
