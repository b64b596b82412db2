"""A generated corpus of departments with many projects, each data file typed the way a
different clerk types YAML, with the figures every 项目支出绩效自评表 must show.

``generate(seed, count)`` returns ``count`` pairs ``(yaml_text, expected)``: the text of a valid
data file (提纲: 财政部; its department-level parts are those of
``data/examples/2023-财政部提纲.yaml``) with 5–50 projects under ``收支.项目``, most of them with
``绩效指标``, and what the build must show, computed by :mod:`rules` (not by reportgen).
``收支.项目支出`` states only its 年初预算 (its 调整预算 and 决算 are the projects' sums), and the
department's totals and 资金来源 agree with them.

What varies: the number of projects and which have indicators (now and then none); the 资金来源
rows and their names (当年/本年财政拨款, 财政拨款, 上年结转资金/上年结转, 其他资金, names the form
does not know), their order, flow or block style, with or without 年初预算, a row with no budget,
rows a cent over the total; amounts with 0–2 decimals, quoted or not; execution rates whose third
or fourth decimal is exactly 5 (四舍五入 and double-rounding traps), spending over budget (capped at
100 %), nothing spent; quantitative indicators ≥ / ≤ / plain in many units (万亩, 人次, %, 元/亩, 次,
‰, 天, /10万 …) and phrasings (≥, 不低于, 以上, 不超过, 以内, 控制在…以内, bare numbers, full-width
digits, thousands separators), reached, exceeded, missed, with completion points exactly x.xx5;
qualitative ones (计分: 定性, or implied by 档次) in each band of the default or a file's own
自评.定性档次 (ranges, and bands that are one share: 分值 × 85 % half up), at the bands' edges;
得分 and 扣分 indicators; two-, three- and mixed-level trees, a 一级 scored directly, parents
with or without 分值, whole, half and quarter points; 执行率分值 per file or per project (the
indicators then weigh 100 − it); totals put exactly on a grade's line (or a cent below) and
averages exactly x.xx5; grade names and lines (自评.等级), 得分偏低线, 执行率偏低阈值; 主管部门/实施单位;
年度总体目标 as text, lists (block or flow), folded lines, or missing; 填报人/日期 per file or project;
where the forms go (one file each, 合并, attached to the report, both, 不生成), 附件 and 汇总表;
indentation, sequence indentation, key order, comments, blank lines, CRLF, a byte-order mark.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rules import (
    AT_LEAST,
    AT_MOST,
    HUNDRED,
    PLAIN,
    D,
    average,
    band_score,
    completion_score,
    execution_rate,
    grade,
    grade_order,
    items,
    money,
    percent,
    points,
    rate_score,
)

YEAR = 2023
#: 自评.定性档次 as files write it (None: not written, the default) → name → (lowest, highest) share (%).
BAND_SETS = [
    (None, {"达成": (D(100), D(100)), "部分达成": (D(60), D(80)), "未达成": (D(0), D(60))}),
    (
        "{达成: 100, 部分达成: [60, 80], 未达成: [0, 60]}",
        {"达成": (D(100), D(100)), "部分达成": (D(60), D(80)), "未达成": (D(0), D(60))},
    ),
    (
        "{达成: 100, 基本达成: 80, 部分达成: [50, 79], 未达成: [0, 49]}",
        {"达成": (D(100), D(100)), "基本达成": (D(80), D(80)), "部分达成": (D(50), D(79)), "未达成": (D(0), D(49))},
    ),
    (
        "{完成: 100, 基本完成: [80, 99], 部分完成: [60, 79], 未完成: 0}",
        {"完成": (D(100), D(100)), "基本完成": (D(80), D(99)), "部分完成": (D(60), D(79)), "未完成": (D(0), D(0))},
    ),
    (
        "{好: 100, 较好: 85, 一般: 70, 差: [0, 60]}",
        {"好": (D(100), D(100)), "较好": (D(85), D(85)), "一般": (D(70), D(70)), "差": (D(0), D(60))},
    ),
]
#: 自评.等级 as files write it (None: the default).
GRADE_SETS = [
    (None, {"优": D(90), "良": D(80), "中": D(60), "差": D(0)}),
    ("{优: 90, 良: 80, 中: 60, 差: 0}", {"优": D(90), "良": D(80), "中": D(60), "差": D(0)}),
    ("{好: 90, 较好: 80, 一般: 60, 较差: 0}", {"好": D(90), "较好": D(80), "一般": D(60), "较差": D(0)}),
    ("{优秀: 85, 良好: 75, 合格: 60, 不合格: 0}", {"优秀": D(85), "良好": D(75), "合格": D(60), "不合格": D(0)}),
    ("{优: 90, 良: 75, 差: 0}", {"优": D(90), "良": D(75), "差": D(0)}),
]
#: 资金来源 rows the form does not name itself: listed after its three, in the data's order.
OTHER_SOURCES = ["上级补助资金", "中央财政资金", "专项债券资金", "社会捐赠资金"]
CANONICAL = {"当年财政拨款": "当年财政拨款", "本年财政拨款": "当年财政拨款", "财政拨款": "当年财政拨款"}
CANONICAL |= {"上年结转资金": "上年结转资金", "上年结转": "上年结转资金", "其他资金": "其他资金"}
CANONICAL |= {name: name for name in OTHER_SOURCES}
FORM_ORDER = ("当年财政拨款", "上年结转资金", "其他资金")

# --- what the departments and projects are called ----------------------------------------

_PLACE_1 = "青绿云松石白金清安永新平宁丰兴华长临龙凤桃梅柳溪泉"
_PLACE_2 = "山水溪川江河湖岭原阳林田城门桥泉源坪塘州"
_TOWNS = ["石门镇", "白沙镇", "桃源乡", "龙潭镇", "清溪乡", "柳塘镇", "新桥乡", "金坪镇", "安乐乡", "凤鸣镇", "梅岭乡"]
_TOWNS += ["东山街道", "西湖街道", "南岭乡", "北坪镇", "大洲镇", "小河乡", "黄泥乡", "红星镇", "五里镇", "三江乡"]
#: bureau → (how it calls itself, its activities)
_BUREAUS = {
    "农业农村局": (
        "我局",
        (
            "高标准农田建设 动物防疫补助 农业技术推广与培训 耕地地力保护 农机购置补贴 农村人居环境整治 "
            "水产养殖尾水治理 农产品质量安全监管 畜禽粪污资源化利用 种业振兴 农村改厕 乡村产业园建设"
        ),
    ),
    "水利局": (
        "我局",
        (
            "中小河流治理 病险水库除险加固 农村饮水安全巩固提升 山洪灾害防治 水土保持 灌区续建配套 "
            "河湖长制工作 水资源监测 堤防加固 农田水利设施维修"
        ),
    ),
    "教育局": (
        "我局",
        (
            "学校校舍维修改造 乡村教师培训 学生营养改善计划 义务教育薄弱环节改善 学前教育发展 "
            "特殊教育提升 校园安全防控 教育信息化建设 家庭经济困难学生资助 职业教育实训基地建设"
        ),
    ),
    "卫生健康委员会": (
        "我委",
        (
            "基本公共卫生服务 基层医疗卫生服务能力提升 妇幼健康服务 疾病预防控制 村医补助 "
            "计划生育家庭扶助 重大传染病防控 卫生应急能力建设 健康教育 中医药传承发展"
        ),
    ),
    "林业局": (
        "我局",
        (
            "森林防火 林业有害生物防治 公益林生态补偿 国土绿化 天然林保护 古树名木保护 "
            "湿地保护修复 林业科技推广 国有林场改革 野生动植物保护"
        ),
    ),
    "交通运输局": (
        "我局",
        (
            "农村公路养护 城乡客运补贴 危桥改造 农村公路安全生命防护工程 公路灾毁修复 "
            "交通运输执法 客运站运营补助 四好农村路建设"
        ),
    ),
    "民政局": (
        "我局",
        (
            "城乡低保 特困人员供养 养老服务补贴 残疾人两项补贴 社区服务中心运行 "
            "孤儿基本生活保障 临时救助 殡葬改革 社会组织培育"
        ),
    ),
    "文化广电旅游局": (
        "我局",
        (
            "公共图书馆免费开放 非遗保护传承 乡村文化活动 文物保护修缮 农家书屋更新 "
            "全域旅游推广 应急广播建设 文化市场综合执法"
        ),
    ),
}
_KINDS = ["项目", "经费", "专项资金", "补助资金", "工程", "项目"]
_UNITS = ["服务中心", "事务中心", "管理站", "执法大队", "推广站", "保障中心"]
_PEOPLE = ["王建国", "李红梅", "张伟", "刘芳", "陈志强", "杨丽", "赵军", "黄晓燕", "周涛", "吴静"]

# --- the indicators: (一级, 二级) → specs (名称, 单位, 方向, 下限, 上限, 小数位) ---------------------

_OUTPUT, _EFFECT, _SATISFACTION = "产出指标", "效益指标", "满意度指标"
MEASURES = {
    (_OUTPUT, "数量指标"): [
        ("新建高标准农田面积", "万亩", AT_LEAST, 1, 8, 2),
        ("培训人次", "人次", AT_LEAST, 500, 20000, 0),
        ("受益农户数", "户", AT_LEAST, 200, 30000, 0),
        ("改造农村危房", "户", AT_LEAST, 20, 800, 0),
        ("维修改造校舍", "所", AT_LEAST, 3, 40, 0),
        ("硬化道路里程", "公里", AT_LEAST, 5, 200, 1),
        ("免疫畜禽数量", "万头", AT_LEAST, 10, 200, 1),
        ("开展专项检查", "次", AT_LEAST, 4, 60, 0),
        ("完成造林面积", "万亩", AT_LEAST, 1, 6, 2),
        ("新建管网长度", "公里", AT_LEAST, 2, 80, 1),
        ("举办群众文化活动", "场", AT_LEAST, 10, 300, 0),
        ("发放补助人数", "人", AT_LEAST, 100, 20000, 0),
        ("购置设备数量", "台", PLAIN, 5, 200, 0),
        ("建设村级服务站", "个", AT_LEAST, 3, 60, 0),
        ("完成监测样本", "批次", AT_LEAST, 100, 3000, 0),
        ("覆盖行政村数", "", PLAIN, 20, 300, 0),
    ],
    (_OUTPUT, "质量指标"): [
        ("项目工程验收合格率", "%", AT_LEAST, 90, 100, 0),
        ("培训考核合格率", "%", AT_LEAST, 85, 98, 0),
        ("抽检合格率", "%", AT_LEAST, 96, 99, 1),
        ("设备完好率", "%", PLAIN, 100, 100, 0),
        ("不合格率", "‰", AT_MOST, 2, 8, 1),
        ("返工率", "%", AT_MOST, 2, 5, 0),
    ],
    (_OUTPUT, "时效指标"): [
        ("项目按期完工率", "%", AT_LEAST, 90, 100, 0),
        ("资金拨付及时率", "%", PLAIN, 100, 100, 0),
        ("办结时限", "天", AT_MOST, 5, 60, 0),
        ("集中免疫完成时间", "天", AT_MOST, 20, 45, 0),
    ],
    (_OUTPUT, "成本指标"): [
        ("亩均投资", "元/亩", AT_MOST, 1500, 4500, 0),
        ("每公里建设成本", "万元/公里", AT_MOST, 50, 300, 0),
        ("人均培训成本", "元/人次", AT_MOST, 200, 1500, 0),
    ],
    (_EFFECT, "经济效益指标"): [
        ("新增粮食产能", "万斤", AT_LEAST, 200, 3000, 0),
        ("带动农民增收", "万元", AT_LEAST, 50, 2000, 0),
        ("项目区亩均增收", "元/亩", AT_LEAST, 100, 800, 0),
    ],
    (_EFFECT, "社会效益指标"): [
        ("受益群众人数", "人次", AT_LEAST, 1000, 50000, 0),
        ("重大疫情发生次数", "次", AT_MOST, 0, 0, 0),
        ("安全责任事故", "起", AT_MOST, 0, 0, 0),
        ("群众知晓率", "%", AT_LEAST, 80, 95, 0),
        ("孕产妇死亡率", "/10万", AT_MOST, 10, 20, 0),
    ],
    (_EFFECT, "生态效益指标"): [
        ("农药使用量减少", "%", AT_LEAST, 2, 10, 1),
        ("森林覆盖率", "%", AT_LEAST, 55, 70, 2),
        ("水质达标率", "%", AT_LEAST, 85, 98, 0),
    ],
    (_EFFECT, "可持续影响指标"): [],
    (_SATISFACTION, "服务对象满意度指标"): [
        ("服务对象满意度", "%", AT_LEAST, 85, 95, 0),
        ("受益群众满意度", "%", AT_LEAST, 85, 95, 0),
        ("参训人员满意度", "%", AT_LEAST, 85, 95, 0),
    ],
}
#: 定性 indicators: (名称, 年度指标值, 实际完成值 by 档次)
QUALITATIVE = [
    ("长效管护机制", "建立健全", {"达成": "已建立并运行", "部分达成": "部分村未落实管护人员", "未达成": "尚未建立"}),
    ("基层体系运行", "长效运行", {"达成": "运行良好", "部分达成": "部分乡镇人员不足", "未达成": "未能正常运行"}),
    ("项目管理制度", "健全有效", {"达成": "制度健全", "部分达成": "部分制度执行不到位", "未达成": "制度缺失"}),
    ("信息公开", "及时公开", {"达成": "按时公开", "部分达成": "个别事项公开滞后", "未达成": "未公开"}),
    ("工程质量", "达到设计标准", {"达成": "全部达标", "部分达成": "个别标段整改", "未达成": "多处不达标"}),
    ("产业带动作用", "明显", {"达成": "带动明显", "部分达成": "带动作用一般", "未达成": "带动不明显"}),
    ("档案资料管理", "规范完整", {"达成": "规范完整", "部分达成": "部分资料缺失", "未达成": "资料不全"}),
    ("群众评价", "好评", {"达成": "普遍好评", "部分达成": "评价一般", "未达成": "投诉较多"}),
]
#: Where the 定性 indicators may sit.
QUALITATIVE_SLOTS = [(_EFFECT, "可持续影响指标"), (_EFFECT, "社会效益指标"), (_OUTPUT, "质量指标")]
SLOT_ORDER = list(MEASURES)

_DEVIATIONS = [
    "受汛期影响，部分工作推迟至次年一季度",
    "部分乡镇前期准备不足，进度滞后",
    "项目招标延期，工期相应顺延",
    "受持续降雨影响，施工进度放缓",
    "征地协调时间较长，影响实施进度",
    "资金到位较晚，部分任务未能按时完成",
    "个别村组群众意见不统一，推进缓慢",
]
_OVER = ["年度目标设置偏保守，实际完成超出较多", "上级追加任务，完成数超过年初目标", "群众参与积极，实际完成较多"]
_REMEDIES = [
    "提前谋划，按月调度项目进度",
    "加强部门协调，压实乡镇责任",
    "科学设定绩效目标，加强过程监控",
    "完善管护制度，落实管护人员",
]


# --- the data, as the generator holds it ---------------------------------------------------


@dataclass
class Leaf:
    name: str
    marks: Decimal
    #: measure (完成比例), band (定性), given (得分), deduct (扣分)
    kind: str
    direction: str | None = None
    target: Decimal | None = None
    achieved: Decimal | None = None
    target_text: str | None = None
    achieved_text: str | None = None
    #: How the value is written in YAML when not the text itself (an unquoted number).
    target_yaml: str | None = None
    achieved_yaml: str | None = None
    band: str | None = None
    #: the band's (lowest, highest) share of 分值 (%)
    shares: tuple[Decimal, Decimal] | None = None
    given: Decimal | None = None
    deduction: Decimal | None = None
    rule: str | None = None
    deviation: str | None = None
    remedy: str | None = None
    reason: str | None = None
    trap: str | None = None

    def score(self) -> Decimal:
        if self.kind == "measure":
            return completion_score(self.direction, self.target, self.achieved, self.marks)
        if self.kind == "band":
            # A band that is one share earns 分值 × it (half up); a range, the 得分 typed.
            return band_score(self.marks, self.shares[0]) if self.given is None else self.given
        if self.kind == "given":
            return self.given
        return self.marks - self.deduction


@dataclass
class Node:
    name: str
    children: list[Node] = field(default_factory=list)
    leaf: Leaf | None = None
    state_marks: bool = False

    def marks(self) -> Decimal:
        return self.leaf.marks if self.leaf else sum((c.marks() for c in self.children), D(0))

    def leaves(self):
        if self.leaf:
            yield self
        for child in self.children:
            yield from child.leaves()


@dataclass
class Source:
    written: str
    initial: Decimal | None
    budget: Decimal
    actual: Decimal
    #: the 年初预算 written as 0 explicitly (rather than left out)
    flow: bool = False


@dataclass
class Project:
    name: str
    initial: Decimal | None
    budget: Decimal
    actual: Decimal
    rate_kind: str
    authority: str | None = None
    implementer: str | None = None
    sources: list[Source] | None = None
    goal: tuple[object, object] | None = None
    goal_style: str = "block"
    dims: list[Node] | None = None
    rate_marks: Decimal | None = None
    filled_by: str | None = None
    telephone: str | None = None
    filled_on: str | None = None
    prior: Decimal | None = None


@dataclass
class Department:
    county: str
    bureau: str
    name: str
    self_name: str
    projects: list[Project]
    basic: tuple[Decimal, Decimal, Decimal]
    rate_marks: Decimal | None
    low_line: Decimal | None
    filled: tuple[str | None, str | None, str | None]
    grades: dict[str, Decimal]
    grades_written: str | None
    bands: dict[str, tuple[Decimal, Decimal]]
    bands_written: str | None
    attachments: list[str]
    #: 项目自评.输出 as written (None: not written)
    output: str | None
    low_rate_line: Decimal | None
    summary_sheet: bool
    state_totals: bool
    state_project_totals: bool


# --- amounts ------------------------------------------------------------------------------


def _cents(value: int) -> Decimal:
    return D(value) / 100


def _amount(rng: random.Random, low: float, high: float) -> Decimal:
    value = D(str(rng.uniform(low, high))).quantize(D("0.01"))
    places = rng.choice([0, 1, 2, 2, 2])
    return value.quantize(D(1).scaleb(-places)).quantize(D("0.01"))


def _trap_rate(rng: random.Random, places: int) -> tuple[Decimal, Decimal] | None:
    """A budget and spending whose rate (%) has exactly ``places`` decimals, the last one 5:
    96.625 (四舍五入 → 96.63, banker's → 96.62) or 96.6245 (→ 96.62; rounded twice → 96.63)."""
    scale = 10 ** (places + 2)
    for _ in range(200):
        budget = 2 ** rng.randint(0, 7) * 5 ** rng.randint(0, 6) * rng.randint(1, 40)
        if not 500 <= budget <= 600_000:
            continue
        step = budget // math.gcd(budget, scale)
        low, high = math.ceil(budget * 0.55 / step), math.floor(budget * 0.999 / step)
        if high < low:
            continue
        for _ in range(40):
            spent = step * rng.randint(low, high)
            scaled = D(spent) * scale / budget
            if scaled == scaled.to_integral_value() and int(scaled) % 10 == 5:
                return _cents(budget), _cents(spent)
    return None


def _budget_and_spending(rng: random.Random) -> tuple[Decimal, Decimal, str]:
    kind = rng.choices(["normal", "low", "full", "over", "trap3", "trap4", "nothing"], [46, 10, 9, 8, 15, 9, 3])[0]
    if kind in ("trap3", "trap4"):
        found = _trap_rate(rng, 3 if kind == "trap3" else 4)
        if found:
            return found[0], found[1], kind
        kind = "normal"
    budget = _amount(rng, *rng.choice([(3, 50), (50, 500), (500, 3000)]))
    if budget < 1:
        budget = D("12.5")
    if kind == "full":
        return budget, budget, kind
    if kind == "nothing":
        return budget, D("0.00"), kind
    share = {"normal": (0.80, 0.999), "low": (0.3, 0.8), "over": (1.001, 1.08)}[kind]
    actual = (budget * D(str(rng.uniform(*share)))).quantize(D("0.01"))
    if kind == "over" and actual <= budget:
        actual = budget + D("0.01")
    return budget, actual, kind


def _split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` non-negative amounts (cents) adding up to it exactly."""
    cents = int(total * 100)
    cuts = sorted(rng.randint(0, cents) for _ in range(parts - 1))
    bounds = [0, *cuts, cents]
    return [_cents(b - a) for a, b in itertools.pairwise(bounds)]


def _sources(rng: random.Random, project: Project) -> list[Source] | None:
    shape = rng.choices(["none", "one", "two", "carry", "three", "empty", "other"], [18, 20, 22, 15, 13, 5, 7])[0]
    if shape == "none":
        return None
    current = rng.choice(["当年财政拨款", "本年财政拨款", "财政拨款", "当年财政拨款"])
    carried = rng.choice(["上年结转资金", "上年结转"])
    names = {
        "one": [current],
        "two": [current, "其他资金"],
        "carry": [current, carried],
        "three": [current, carried, "其他资金"],
        "empty": [current, carried],
        "other": [current, rng.choice(OTHER_SOURCES)] + ([carried] if rng.random() < 0.5 else []),
    }[shape]
    if shape in ("two", "three") and rng.random() < 0.25:
        names[names.index("其他资金")] = rng.choice(OTHER_SOURCES)
    if shape == "empty":
        budgets, actuals = [project.budget, D("0.00")], [project.actual, D("0.00")]
    else:
        for _ in range(20):
            budgets = _split(rng, project.budget, len(names))
            if all(b > 0 for b in budgets):
                break
        else:
            names, budgets = [current], [project.budget]
        actuals = []
        left = project.actual
        for i, b in enumerate(budgets):
            if i == len(budgets) - 1:
                actuals.append(left)
            else:
                share = (b / project.budget * project.actual * D(str(rng.uniform(0.9, 1.05)))).quantize(D("0.01"))
                share = max(D(0), min(share, left))
                actuals.append(share)
                left -= share
    rows = []
    for i, name in enumerate(names):
        if project.initial is not None:
            initial = project.initial if i == 0 else rng.choice([D(0), None])
        else:
            initial = rng.choice([None, _amount(rng, 1, float(budgets[i]) + 1)])
        rows.append(Source(name, initial, budgets[i], actuals[i], flow=rng.random() < 0.6))
    if len(rows) > 1 and rng.random() < 0.5:
        rng.shuffle(rows)
    if rng.random() < 0.06:
        # Each row rounded from 元 on its own: the rows add up to a cent more than the total.
        rows[-1].budget += D("0.01")
    return rows


# --- indicators ---------------------------------------------------------------------------


def _weights(rng: random.Random, total: Decimal, count: int) -> list[Decimal]:
    """``count`` 分值 adding up to ``total``: whole points, or halves (quarters) now and then."""
    roll = rng.random()
    grain = D("0.25") if roll < 0.05 else D("0.5") if roll < 0.35 or total != total.to_integral_value() else D(1)
    units = int(total / grain)
    minimum = max(1, min(int(D(2) / grain), units // count))
    if units < minimum * count:
        count = max(1, units // minimum)
    spare = units - minimum * count
    shares = [rng.random() + 0.2 for _ in range(count)]
    extra = [int(spare * s / sum(shares)) for s in shares]
    extra[rng.randrange(count)] += spare - sum(extra)
    return [grain * (minimum + e) for e in extra]


def _number_text(rng: random.Random, value: Decimal, places: int) -> str:
    text = format(value.quantize(D(1).scaleb(-places)), "f") if places else format(value.quantize(D(1)), "f")
    if "." in text and rng.random() < 0.5:
        text = text.rstrip("0").rstrip(".")
    return text


def _target_words(rng: random.Random, direction: str, number: str, unit: str) -> str:
    value = number + unit
    if direction == AT_LEAST:
        return rng.choice([f"≥{value}", f"≥{value}", f"不低于{value}", f"{value}以上", f"不少于{value}", f"≥ {value}"])
    if direction == AT_MOST:
        return rng.choice(
            [f"≤{value}", f"≤{value}", f"不超过{value}", f"{value}以内", f"控制在{value}以内", f"≤ {value}"]
        )
    return value


def _draw(rng: random.Random, low: float, high: float, places: int) -> Decimal:
    return D(str(rng.uniform(low, high))).quantize(D(1).scaleb(-places))


def _completion_trap(rng, direction, marks, low, high, places, unit):
    """A target and a result whose completion points are exactly x.xx5 (below full marks)."""
    for _ in range(300):
        if places == 0 and high - low >= 10:
            nice = [
                v
                for v in (8, 16, 20, 25, 40, 50, 64, 80, 125, 160, 200, 250, 320, 400, 500, 625, 800)
                for v in [v * 10 ** rng.randint(0, 2)]
                if low <= v <= high
            ]
            target = D(rng.choice(nice)) if nice else _draw(rng, low, high, places)
        else:
            target = _draw(rng, max(low, 0.5), high, places)
        if target <= 0:
            continue
        grid = places + rng.choice([0, 1])
        if unit == "%" and direction != AT_MOST:
            achieved = _draw(rng, float(target) * 0.6, float(target) * 0.995, grid)
            ratio = achieved / target
        elif direction == AT_MOST:
            achieved = _draw(rng, float(target) * 1.01, float(target) * 1.6, grid)
            ratio = target / achieved
        else:
            achieved = _draw(rng, float(target) * 0.6, float(target) * 0.995, grid)
            ratio = achieved / target
        if achieved <= 0 or ratio >= 1:
            continue
        thousandths = ratio * marks * 1000
        if thousandths == thousandths.to_integral_value() and int(thousandths) % 10 == 5:
            return target, achieved, grid
    return None


def _measure_leaf(rng: random.Random, name: str, spec, marks: Decimal) -> Leaf:
    _, unit, direction, low, high, places = spec
    outcome = rng.choices(["met", "exact", "over", "under", "trap"], [30, 12, 10, 28, 20])[0]
    target = _draw(rng, low, high, places)
    grid = places
    if direction == AT_MOST and target == 0:
        achieved = D(0) if rng.random() < 0.8 else D(rng.randint(1, 3))
        outcome = "met" if achieved == 0 else "under"
    elif outcome == "trap":
        found = _completion_trap(rng, direction, marks, low, high, places, unit)
        if found:
            target, achieved, grid = found
        else:
            outcome = "under"
    if outcome == "met":
        if direction == AT_MOST:
            achieved = _draw(rng, float(target) * 0.5, float(target), places)
        else:
            ceiling = min(float(target) * 1.15, 100) if unit == "%" else float(target) * 1.15
            achieved = _draw(rng, float(target), max(ceiling, float(target)), places)
    elif outcome == "exact":
        achieved = target
    elif outcome == "over":
        if direction == AT_MOST:
            achieved, outcome = _draw(rng, float(target) * 1.01, float(target) * 1.5, places), "under"
        elif unit == "%" and target > 80:
            achieved, outcome = _draw(rng, float(target) * 0.5, float(target) * 0.99, places), "under"
        else:
            achieved = _draw(rng, float(target) * 1.21, float(target) * 1.6, places)
    elif outcome == "under":
        if direction == AT_MOST and target > 0:
            achieved = _draw(rng, float(target) * 1.01, float(target) * 1.5, places + rng.choice([0, 1]))
        elif target > 0:
            achieved = _draw(rng, float(target) * 0.4, float(target) * 0.99, places + rng.choice([0, 1]))
    if direction == AT_MOST and target == 0:
        target_number = "0"
    else:
        target_number = _number_text(rng, target, places)
    achieved_number = _number_text(rng, achieved, grid)
    target, achieved = D(target_number), D(achieved_number)
    leaf = Leaf(name, marks, "measure", direction, target, achieved, trap="completion" if outcome == "trap" else None)
    if unit == "" and rng.random() < 0.7:
        # A bare number: YAML reads it as a number, reportgen keeps its text.
        leaf.target_text, leaf.achieved_text = target_number, achieved_number
        leaf.target_yaml, leaf.achieved_yaml = target_number, achieved_number
    else:
        leaf.target_text = _target_words(rng, direction, target_number, unit)
        leaf.achieved_text = achieved_number + unit
    if leaf.target_yaml is None and rng.random() < 0.06:
        # Typed with the Chinese input method on: full-width digits, ％, ．; or thousands separators.
        if rng.random() < 0.5:
            which = rng.choice(["both", "target", "achieved"])
            if which != "achieved":
                leaf.target_text = _wide(leaf.target_text)
            if which != "target":
                leaf.achieved_text = _wide(leaf.achieved_text)
        else:
            mark = rng.choice([",", ",", "，"])
            leaf.target_text = _thousands(leaf.target_text, mark)
            leaf.achieved_text = _thousands(leaf.achieved_text, mark)
        leaf.trap = leaf.trap or "typed number"
    if rng.random() < 0.3:
        leaf.rule = "完成比例"
    over = direction != AT_MOST and target > 0 and achieved / target > D("1.2")
    if leaf.score() < marks:
        leaf.deviation = rng.choice(_DEVIATIONS)
    elif over and rng.random() < 0.8:
        leaf.deviation = rng.choice(_OVER)
    if leaf.deviation and rng.random() < 0.4:
        leaf.remedy = rng.choice(_REMEDIES)
    return leaf


def _wide(text: str) -> str:
    return text.translate(str.maketrans("0123456789%.", "０１２３４５６７８９％．"))


def _thousands(text: str, mark: str = ",") -> str:
    return re.sub(r"(?<![\d.])(\d{1,3})(\d{3})(?![\d.])", rf"\1{mark}\2", text)


def _cent_between(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A score inside [low, high], with 0–2 decimals, the edges now and then."""
    roll = rng.random()
    if roll < 0.12 and low == low.quantize(D("0.01")):
        return low
    if roll < 0.24 and high == high.quantize(D("0.01")):
        return high
    low_c, high_c = math.ceil(low * 100), math.floor(high * 100)
    value = _cents(rng.randint(low_c, high_c))
    if rng.random() < 0.5:
        tenth = value.quantize(D("0.1"))
        if low <= tenth <= high:
            value = tenth
    return value


def _band_leaf(rng: random.Random, spec, marks: Decimal, bands: dict) -> Leaf:
    name, target_text, achieved_by = spec
    names = list(bands)
    band = rng.choices(names, [50] + [50 / (len(names) - 1)] * (len(names) - 1))[0]
    low, high = bands[band]
    # The achieved text by how high the band is: the top one, the bottom one, those between.
    level = "达成" if band == names[0] else "未达成" if band == names[-1] else "部分达成"
    leaf = Leaf(name, marks, "band", band=band, shares=(low, high), target_text=target_text)
    leaf.achieved_text = achieved_by[level] if rng.random() < 0.8 else None
    leaf.rule = "定性" if rng.random() < 0.75 else None
    if low != high:
        top = marks * high / HUNDRED
        if band == "未达成" and high == 60:
            top -= D("0.01")  # 未达成 is below 60 % (the default bands share the edge with 部分达成)
        leaf.given = _cent_between(rng, marks * low / HUNDRED, top)
    elif low == HUNDRED and rng.random() < 0.1:
        leaf.given = marks
    if leaf.given is not None:
        # Without 计分 a written 得分 makes the rule 得分 (README), which takes no 档次.
        leaf.rule = "定性"
    if leaf.score() < marks:
        leaf.deviation = rng.choice(_DEVIATIONS)
        if rng.random() < 0.5:
            leaf.remedy = rng.choice(_REMEDIES)
    if low == high and low not in (0, HUNDRED):
        leaf.trap = "band share" if (marks * low / HUNDRED * 100) % 1 else None
    return leaf


def _other_leaf(rng: random.Random, spec, marks: Decimal) -> Leaf:
    name, target_text, achieved_by = spec
    if rng.random() < 0.5:
        given = _cent_between(rng, marks * D("0.5"), marks)
        leaf = Leaf(name, marks, "given", given=given, rule="得分" if rng.random() < 0.6 else None)
        leaf.target_text, leaf.achieved_text = target_text, achieved_by["部分达成"]
        if given < marks:
            leaf.deviation = rng.choice(_DEVIATIONS)
        return leaf
    deduction = D(rng.choice(["0", "0.5", "1", "1.5", "2"]))
    deduction = min(deduction, marks)
    leaf = Leaf(name, marks, "deduct", deduction=deduction)
    if deduction:
        leaf.reason = rng.choice(_DEVIATIONS)
    return leaf


def _tree(rng: random.Random, marks: Decimal, size: int, bands: dict) -> list[Node]:
    weights = _weights(rng, marks, size)
    slots = [(_OUTPUT, "数量指标")]
    for _ in range(len(weights) - 1):
        if rng.random() < 0.22:
            slots.append(rng.choice(QUALITATIVE_SLOTS) + ("qual",))
        else:
            slots.append(rng.choice([s for s in SLOT_ORDER if MEASURES[s]]))
    slots.sort(key=lambda s: SLOT_ORDER.index(s[:2]))
    used: set[str] = set()

    def fresh(name: str) -> str:
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{name}（{'一二三四五六七八九十'[min(n, 10) - 1]}）"
        used.add(candidate)
        return candidate

    leaves: list[tuple[tuple[str, str], Leaf]] = []
    for slot, weight in zip(slots, weights):
        if len(slot) == 3:
            spec = rng.choice(QUALITATIVE)
            if rng.random() < 0.15:
                leaf = _other_leaf(rng, spec, weight)
            else:
                leaf = _band_leaf(rng, spec, weight, bands)
        else:
            spec = rng.choice(MEASURES[slot])
            leaf = _measure_leaf(rng, spec[0], spec, weight)
        leaf.name = fresh(leaf.name)
        leaves.append((slot[:2], leaf))

    shape = rng.choices(["three", "two", "mixed"], [65, 15, 20])[0]
    dims: list[Node] = []
    for first in (_OUTPUT, _EFFECT, _SATISFACTION):
        mine = [(second, leaf) for (one, second), leaf in leaves if one == first]
        if not mine:
            continue
        dim = Node(first, state_marks=rng.random() < 0.3)
        dims.append(dim)
        if first == _SATISFACTION and len(mine) == 1 and shape != "three" and rng.random() < 0.4:
            # A 一级 scored directly (满意度指标, 10 分).
            dim.leaf = mine[0][1]
            used.discard(dim.leaf.name)
            dim.leaf.name = dim.name
            continue
        seconds = list(dict.fromkeys(second for second, _ in mine))
        for second in seconds:
            group = [leaf for s, leaf in mine if s == second]
            if shape == "two" or (shape == "mixed" and rng.random() < 0.4):
                if shape == "mixed" and len(group) == 1 and second not in used and rng.random() < 0.5:
                    group[0].name = second
                    dim.children.append(Node(second, leaf=group[0]))
                else:
                    dim.children.extend(Node(leaf.name, leaf=leaf) for leaf in group)
            else:
                node = Node(second, state_marks=rng.random() < 0.25)
                node.children = [Node(leaf.name, leaf=leaf) for leaf in group]
                dim.children.append(node)
    return dims


def _goal(rng: random.Random, dims: list[Node]) -> tuple[tuple[object, object] | None, str]:
    style = rng.choices(["none", "text", "block", "flow", "one", "fold"], [6, 30, 30, 18, 6, 10])[0]
    if style == "none":
        return None, style
    measures = [n.leaf for d in dims for n in d.leaves() if n.leaf.kind == "measure"][:4]
    if not measures:
        measures = [n.leaf for d in dims for n in d.leaves()][:2]
    expected = [f"{leaf.name}{leaf.target_text or '达到预期'}" for leaf in measures]
    achieved = [f"{leaf.name}{leaf.achieved_text or '基本达到'}" for leaf in measures]
    if style in ("text", "fold"):
        return ("，".join(expected) + "。", "，".join(achieved) + "。"), style
    if style == "one":
        return ([expected[0]], [achieved[0]]), style
    if rng.random() < 0.3:
        expected = [e + rng.choice(["；", "。", ""]) for e in expected]
    return (expected, achieved), style


# --- a department -------------------------------------------------------------------------


def _county(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(_PLACE_1) + rng.choice(_PLACE_2) + rng.choice("县县县区市")
        if name not in taken:
            taken.add(name)
            return name


def _department(rng: random.Random, taken: set[str]) -> Department:
    county = _county(rng, taken)
    bureau = rng.choice(list(_BUREAUS))
    self_name, activities = _BUREAUS[bureau]
    activities = activities.split()
    name = f"{county}{bureau}"
    size = rng.choice([rng.randint(5, 12), rng.randint(5, 20), rng.randint(12, 30), rng.randint(30, 50)])
    settings_marks = rng.choices([None, D(10), D(15), D(20), D("7.5")], [70, 10, 10, 6, 4])[0]
    bands_written, bands = rng.choices(BAND_SETS, [55, 15, 10, 10, 10])[0]
    grades_written, grades = rng.choices(GRADE_SETS, [40, 25, 15, 10, 10])[0]
    # Now and then a department that evaluates no project at all (no form, no summary).
    evaluating = 0.0 if rng.random() < 0.04 else 0.8
    projects, names = [], set()
    for i in range(size):
        while True:
            activity = rng.choice(activities)
            town = rng.choice(_TOWNS) if rng.random() < 0.5 else ""
            suffix = rng.choice(["", "", "", "（一期）", "（二期）", "（续建）"])
            project_name = f"{county}{town}{activity}{rng.choice(_KINDS)}{suffix}"
            if project_name not in names:
                names.add(project_name)
                break
        budget, actual, rate_kind = _budget_and_spending(rng)
        initial = None if rng.random() < 0.15 else (budget * D(str(rng.uniform(0.6, 1.0)))).quantize(D("0.01"))
        project = Project(project_name, initial, budget, actual, rate_kind)
        project.prior = None if rng.random() < 0.6 else _amount(rng, 1, float(budget))
        if rng.random() < evaluating:
            project.rate_marks = rng.choices(
                [None, D(10), D(15), D(20), D(5), D(0), D("12.5")], [80, 6, 5, 4, 3, 2, 2]
            )[0]
            marks = project.rate_marks if project.rate_marks is not None else (settings_marks or D(10))
            leaves = rng.choice([3, 4, 5, 6, 7, 8, rng.randint(9, 16)])
            project.dims = _tree(rng, HUNDRED - marks, leaves, bands)
            project.goal, project.goal_style = _goal(rng, project.dims)
            project.sources = _sources(rng, project)
            if rng.random() < 0.4:
                project.implementer = f"{county}{activity[:4]}{rng.choice(_UNITS)}"
            if rng.random() < 0.15:
                project.authority = f"{county}{rng.choice(['财政局', '人民政府办公室', bureau])}"
            if rng.random() < 0.1:
                project.filled_by = rng.choice(_PEOPLE)
                project.telephone = f"0730-{rng.randint(2000000, 8999999)}"
            if rng.random() < 0.08:
                project.filled_on = f"2024-02-{rng.randint(10, 28)}"
        elif rng.random() < 0.3:
            project.sources = _sources(rng, project)
        projects.append(project)
    if evaluating and not any(p.dims for p in projects):
        p = projects[0]
        p.dims = _tree(rng, HUNDRED - (settings_marks or D(10)), 5, bands)
        p.goal, p.goal_style = _goal(rng, p.dims)
    evaluated = [p for p in projects if p.dims]
    attachments = rng.choice([["绩效自评表"], [], ["收支情况表", "绩效自评表"]])
    output = None
    if rng.random() < 0.35:
        attachments = ["收支情况表"] + [a for a in attachments if a != "收支情况表"]
    if evaluated:
        attachments = rng.choice(
            [
                ["绩效自评表", "项目自评汇总表"],
                ["项目自评汇总表"],
                ["绩效自评表"],
                [],
                ["绩效自评表", "项目自评汇总表", "项目支出绩效自评表"],
                ["项目支出绩效自评表"],
            ]
        )
        if rng.random() < 0.35:
            attachments = ["收支情况表"] + attachments
        output = rng.choices([None, "分别", "合并", "不生成"], [70, 10, 15, 5])[0]
        if "项目支出绩效自评表" in attachments:
            # 附件 makes 不生成 the default; a 输出 written as well still files them beside it.
            output = rng.choices([None, "不生成", "分别", "合并"], [60, 20, 10, 10])[0]
    basic_budget = _amount(rng, 300, 3000)
    basic_actual = (basic_budget * D(str(rng.uniform(0.9, 0.999)))).quantize(D("0.01"))
    basic_initial = (basic_budget * D(str(rng.uniform(0.9, 1.0)))).quantize(D("0.01"))
    department = Department(
        county=county,
        bureau=bureau,
        name=name,
        self_name=self_name,
        projects=projects,
        basic=(basic_initial, basic_budget, basic_actual),
        rate_marks=settings_marks,
        low_line=rng.choices([None, D(80), D(85), D(90)], [70, 10, 10, 10])[0],
        filled=(
            rng.choice(_PEOPLE) if rng.random() < 0.8 else None,
            f"0730-{rng.randint(2000000, 8999999)}" if rng.random() < 0.7 else None,
            f"2024-0{rng.randint(1, 4)}-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else None,
        ),
        grades=grades,
        grades_written=grades_written,
        bands=bands,
        bands_written=bands_written,
        attachments=attachments,
        output=output,
        low_rate_line=rng.choices([None, D(90), D(95), D("97.5")], [75, 10, 10, 5])[0],
        summary_sheet=bool(evaluated) and "项目自评汇总表" not in attachments and rng.random() < 0.3,
        state_totals=rng.random() < 0.4,
        state_project_totals=rng.random() < 0.2,
    )
    _grade_traps(rng, department)
    _average_trap(rng, department)
    return department


def _effective_marks(department: Department, project: Project) -> Decimal:
    if project.rate_marks is not None:
        return project.rate_marks
    return department.rate_marks if department.rate_marks is not None else D(10)


def _total(department: Department, project: Project) -> Decimal:
    rate = execution_rate(project.actual, project.budget)
    leaves = [n.leaf for d in project.dims for n in d.leaves()]
    return rate_score(rate, _effective_marks(department, project)) + sum((leaf.score() for leaf in leaves), D(0))


def _free(project: Project) -> list[Leaf]:
    """The 定性 scores typed inside a range: they can move by a few cents and stay valid."""
    return [
        n.leaf
        for d in project.dims
        for n in d.leaves()
        if n.leaf.kind == "band"
        and n.leaf.given is not None
        and n.leaf.shares[0] != n.leaf.shares[1]
        and not n.leaf.trap
    ]


def _move(leaf: Leaf, cents: int, label: str) -> bool:
    moved = leaf.given + _cents(cents)
    low, high = (leaf.marks * share / HUNDRED for share in leaf.shares)
    if leaf.band == "未达成" and leaf.shares[1] == 60:
        high -= D("0.01")
    if low <= moved <= high and moved < leaf.marks:
        leaf.given, leaf.trap = moved, label
        return True
    return False


def _grade_traps(rng: random.Random, department: Department) -> None:
    """Some projects' totals put exactly on a grade's lowest score, or a cent below it
    (and some on 得分偏低线)."""
    lines = [v for v in department.grades.values() if v > 0]
    lines.append(department.low_line if department.low_line is not None else D(80))
    for project in department.projects:
        if not project.dims or rng.random() < 0.75:
            continue
        free = _free(project)
        if not free:
            continue
        total = _total(department, project)
        line = min(lines, key=lambda v: abs(v - total))
        goal = line - (D("0.01") if rng.random() < 0.4 else D(0))
        _move(rng.choice(free), int((goal - total) * 100), "grade edge")


def _average_trap(rng: random.Random, department: Department) -> None:
    """Now and then move one typed 定性 score by a few cents so that the mean of the totals is
    exactly x.xx5 (it must then round up)."""
    forms = [p for p in department.projects if p.dims]
    if len(forms) < 2 or len(forms) % 2 or rng.random() < 0.4:
        return
    candidates = [leaf for p in forms for leaf in _free(p)]
    if not candidates:
        return
    leaf = rng.choice(candidates)
    total = sum((_total(department, p) for p in forms), D(0))
    cents, half = int(total * 100), len(forms) // 2
    # The mean in thousandths is cents × 10 ÷ n: x.xx5 exactly when cents is an odd multiple of n/2.
    base = cents - cents % half
    for candidate in sorted((base + k * half for k in range(-3, 4)), key=lambda c: abs(c - cents)):
        if (candidate // half) % 2 == 1 and _move(leaf, candidate - cents, "average"):
            return


# --- what the build must show -------------------------------------------------------------


def _rows(dims: list[Node]) -> list[dict]:
    rows = []
    for dim in dims:
        if dim.leaf:
            rows.append((dim.name, dim.name, dim.name, dim.leaf))
            continue
        for second in dim.children:
            if second.leaf:
                rows.append((dim.name, second.name, second.name, second.leaf))
            else:
                rows += [(dim.name, second.name, third.name, third.leaf) for third in second.children]
    return [
        {
            "一级": one,
            "二级": two,
            "三级": three,
            "年度指标值": leaf.target_text or "—",
            "实际完成值": leaf.achieved_text or leaf.band or "—",
            "分值": leaf.marks,
            "得分": leaf.score(),
            "原因": "；".join(t for t in (leaf.deviation, leaf.remedy) if t),
            "trap": leaf.trap,
        }
        for one, two, three, leaf in rows
    ]


def _paragraphs(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def expected_of(department: Department) -> dict:
    forms = []
    default_by, default_phone, default_date = department.filled
    for project in department.projects:
        if not project.dims:
            continue
        rate = execution_rate(project.actual, project.budget)
        marks = _effective_marks(department, project)
        rows = _rows(project.dims)
        total = rate_score(rate, marks) + sum((r["得分"] for r in rows), D(0))
        named = {CANONICAL[s.written]: s for s in project.sources or []}
        order = [name for name in FORM_ORDER if name in named] + [name for name in named if name not in FORM_ORDER]
        sources = [
            {
                "名称": name,
                "年初预算": named[name].initial,
                "调整预算": named[name].budget,
                "决算": named[name].actual,
                "执行率": execution_rate(named[name].actual, named[name].budget),
            }
            for name in order
        ]
        date = project.filled_on or default_date
        filled = [
            ("填报人", project.filled_by or default_by),
            ("联系电话", project.telephone or default_phone),
            ("填报日期", _cn_date(date) if date else None),
        ]
        goal = None
        if project.goal:
            goal = (items(_paragraphs(project.goal[0])), items(_paragraphs(project.goal[1])))
        forms.append(
            {
                "名称": project.name,
                # A name ending in 项目 is not doubled: ××建设项目支出绩效自评表.
                "文件": f"{YEAR}年度{project.name.removesuffix('项目')}项目支出绩效自评表.docx",
                "主管部门": project.authority or department.name,
                "实施单位": project.implementer or department.name,
                "年初预算": project.initial,
                "调整预算": project.budget,
                "决算": project.actual,
                "执行率": rate,
                "执行率分值": marks,
                "执行率得分": rate_score(rate, marks),
                "rate_kind": project.rate_kind,
                "资金来源": sources,
                "年度总体目标": goal,
                "指标": rows,
                "满分": marks + sum((r["分值"] for r in rows), D(0)),
                "总分": total,
                "等级": grade(total, department.grades),
                # The form leaves six ideographic spaces to fill in by hand where the data is silent
                # (at the line's end they show nothing and the paragraph drops them).
                "填报": "　　".join(f"{k}：{v or '　' * 6}" for k, v in filled).rstrip("　"),
            }
        )
    summary = None
    if forms:
        budget = sum((f["调整预算"] for f in forms), D(0))
        actual = sum((f["决算"] for f in forms), D(0))
        low_line = department.low_line if department.low_line is not None else D(80)
        counts = {name: sum(f["等级"] == name for f in forms) for name in grade_order(department.grades)}
        summary = {
            "个数": len(forms),
            "全年预算数": budget,
            "全年执行数": actual,
            "执行率": execution_rate(actual, budget),
            "平均得分": average([f["总分"] for f in forms]),
            "等级分布": counts,
            "得分偏低项目": [(f["名称"], f["总分"]) for f in forms if f["总分"] < low_line],
            "得分偏低线": low_line,
        }
        sentence = (
            f"{department.self_name}对{len(forms)}个项目开展了项目支出绩效自评，涉及全年预算数{money(budget)}万元、"
            f"全年执行数{money(actual)}万元，执行率{percent(summary['执行率'])}；项目平均得分"
            f"{points(summary['平均得分'])}分，其中"
            + "、".join(f"“{name}”{n}个" for name, n in counts.items() if n)
            + "。"
        )
        if summary["得分偏低项目"]:
            sentence += (
                f"自评得分低于{points(low_line)}分的项目有："
                + "、".join(f"{name}（{points(total)}分）" for name, total in summary["得分偏低项目"])
                + "。"
            )
        summary["句子"] = sentence
    attached = "项目自评汇总表" in department.attachments
    # Where the forms are: attached to the report, and/or beside it (one file each, or one for all).
    where = set()
    if forms:
        attached_forms = "项目支出绩效自评表" in department.attachments
        if attached_forms:
            where.add("report")
        if department.output == "合并":
            where.add("combined")
        elif department.output == "分别" or department.output is None and not attached_forms:
            where.add("files")
    everything = department.projects
    low_rate = department.low_rate_line if department.low_rate_line is not None else D(95)
    rates = [(p.name, execution_rate(p.actual, p.budget)) for p in everything]
    project_budget = sum((p.budget for p in everything), D(0))
    project_actual = sum((p.actual for p in everything), D(0))
    report = {
        "各项目执行情况": "各项目执行情况："
        + "；".join(
            f"{p.name}全年预算数{money(p.budget)}万元，执行数{money(p.actual)}万元，执行率{percent(rate)}"
            for p, (_, rate) in zip(everything, rates)
        )
        + "。",
        "执行率偏低": (
            "部分项目经费预算执行率较低，"
            + "、".join(f"{name}预算执行率为{percent(rate)}" for name, rate in rates if rate < low_rate)
            + "。"
        )
        if any(rate < low_rate for _, rate in rates)
        else None,
        "项目支出": f"项目支出全年预算数{money(project_budget)}万元，预算执行率为"
        f"{percent(execution_rate(project_actual, project_budget))}。",
    }
    sheet = None
    if "收支情况表" in department.attachments:
        totals = _totals(department)
        lines = [(name, *totals[name]) for name in ("基本支出", "项目支出")]
        lines += [
            (("其中：" if i == 0 else "") + p.name, p.initial, p.budget, p.actual)
            for i, p in enumerate(department.projects)
        ]
        lines.append(("合计", *totals["合计"]))
        sheet = [
            (label, initial, budget, actual, execution_rate(actual, budget)) for label, initial, budget, actual in lines
        ]
    return {
        "部门": department.name,
        "收支情况表": sheet,
        "年度": YEAR,
        "报告": f"{YEAR}年度{department.name}部门整体支出绩效自评报告.docx",
        "汇总表文件": f"{YEAR}年度{department.name}项目支出绩效自评结果汇总表.xlsx"
        if forms and (attached or department.summary_sheet)
        else None,
        "汇总表附件": attached,
        "表": "+".join(sorted(where)) or "none",
        "合并文件": f"{YEAR}年度{department.name}项目支出绩效自评表.docx",
        "报告文字": report,
        "forms": forms,
        "未评价项目": [p.name for p in department.projects if not p.dims],
        "summary": summary,
    }


def _cn_date(text: str) -> str:
    year, month, day = (int(part) for part in text.split("-"))
    return f"{year}年{month}月{day}日"


# --- YAML as clerks type it ---------------------------------------------------------------


class Style:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.indent = rng.choice([2, 2, 2, 4, 3])
        self.seq_indented = rng.random() < 0.7
        self.amounts = rng.choice(["fixed", "fixed", "minimal", "mixed"])
        self.quotes = rng.choice([0.0, 0.0, 0.1, 0.3])
        self.comments = rng.random() < 0.5
        self.blank_between = rng.random() < 0.5

    def amount(self, value: Decimal) -> str:
        fixed = format(value.quantize(D("0.01")), "f")
        style = self.amounts if self.amounts != "mixed" else self.rng.choice(["fixed", "minimal"])
        text = fixed if style == "fixed" else (fixed.rstrip("0").rstrip(".") if "." in fixed else fixed)
        if self.rng.random() < self.quotes * 0.3:
            text = f"'{text}'"
        return text

    def points(self, value: Decimal) -> str:
        text = points(value)
        if "." not in text and self.rng.random() < 0.1:
            text += ".0"
        return text

    def text(self, value: str) -> str:
        unsafe = value[:1] in "-?:,[]{}#&*!|>'\"%@`" or ": " in value or " #" in value or value != value.strip()
        if unsafe or self.rng.random() < self.quotes:
            if self.rng.random() < 0.5 and "'" not in value:
                return f"'{value}'"
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return value


class Writer:
    """Block YAML with the clerk's indentation; values are already written."""

    def __init__(self, style: Style):
        self.style = style
        self.lines: list[str] = []

    def put(self, column: int, text: str) -> None:
        self.lines.append(" " * column + text)

    def mapping(self, column: int, pairs: list, first_prefix: str | None = None) -> None:
        """``pairs``: (key, value) where value is a str (scalar), ("flow", text), ("fold", [chunks]),
        ("map", pairs), ("seq", [items]); (None, "# comment") is a comment line."""
        for index, (key, value) in enumerate(pairs):
            lead = first_prefix if (index == 0 and first_prefix is not None) else None
            col = column
            if lead is not None:
                head = lead
                col_text = column - len(lead)
            else:
                head = ""
                col_text = column
            if key is None:
                self.put(column, value)
                continue
            if isinstance(value, str):
                self.put(col_text, f"{head}{key}: {value}")
            elif value[0] == "flow":
                self.put(col_text, f"{head}{key}: {value[1]}")
            elif value[0] == "fold":
                self.put(col_text, f"{head}{key}: {value[1][0]}")
                for chunk in value[1][1:]:
                    self.put(col + self.style.indent, chunk)
            elif value[0] == "map":
                self.put(col_text, f"{head}{key}:")
                self.mapping(col + self.style.indent, value[1])
            elif value[0] == "seq":
                self.put(col_text, f"{head}{key}:")
                self.sequence(col + (self.style.indent if self.style.seq_indented else 0), value[1])

    def sequence(self, column: int, entries: list) -> None:
        for entry in entries:
            if isinstance(entry, str):
                if entry.startswith("#"):
                    self.put(column, entry)
                elif entry == "":
                    self.lines.append("")
                else:
                    self.put(column, f"- {entry}")
            else:
                self.mapping(column + 2, entry, first_prefix="- ")


def _fold(rng: random.Random, text: str) -> list[str]:
    """A plain scalar broken over lines between two Chinese characters (no space is meant)."""
    places = [i for i in range(4, len(text) - 4) if _cjk(text[i - 1]) and _cjk(text[i])]
    if not places:
        return [text]
    cut = rng.choice(places)
    return [text[:cut], text[cut:]]


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _flow_map(style: Style, pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _leaf_pairs(style: Style, rng: random.Random, leaf: Leaf) -> list:
    pairs = [("分值", style.points(leaf.marks))]
    if leaf.rule:
        pairs.append(("计分", leaf.rule))
    if leaf.target_text is not None:
        pairs.append(("年度指标值", leaf.target_yaml or style.text(leaf.target_text)))
    if leaf.achieved_text is not None:
        pairs.append(("实际完成值", leaf.achieved_yaml or style.text(leaf.achieved_text)))
    if leaf.band:
        pairs.append(("档次", leaf.band))
    if leaf.given is not None:
        pairs.append(("得分", style.points(leaf.given)))
    if leaf.deduction is not None:
        pairs.append(("扣分", style.points(leaf.deduction)))
    if leaf.reason:
        pairs.append(("扣分原因", style.text(leaf.reason)))
    if leaf.deviation:
        pairs.append(("偏差原因", style.text(leaf.deviation)))
    if leaf.remedy:
        pairs.append(("改进措施", style.text(leaf.remedy)))
    if rng.random() < 0.3:
        head, rest = pairs[:1], pairs[1:]
        rng.shuffle(rest)
        pairs = rest[:1] + head + rest[1:] if rng.random() < 0.3 else head + rest
    return pairs


def _node_pairs(style: Style, rng: random.Random, node: Node, level: int) -> list:
    pairs: list = [("名称", style.text(node.name))]
    if node.leaf:
        return pairs + _leaf_pairs(style, rng, node.leaf)
    if node.state_marks:
        pairs.append(("分值", style.points(node.marks())))
    key = "二级指标" if level == 1 else "三级指标"
    pairs.append((key, ("seq", [_node_pairs(style, rng, child, level + 1) for child in node.children])))
    return pairs


def _source_value(style: Style, source: Source) -> object:
    pairs = []
    if source.initial is not None:
        pairs.append(("年初预算", style.amount(source.initial) if source.initial else style.rng.choice(["0", "0.00"])))
    pairs += [("调整预算", style.amount(source.budget)), ("决算", style.amount(source.actual))]
    if source.flow:
        return ("flow", _flow_map(style, pairs))
    return ("map", pairs)


def _goal_value(style: Style, rng: random.Random, value, how: str) -> object:
    if isinstance(value, str):
        if how == "fold":
            return ("fold", _fold(rng, value))
        return style.text(value)
    if how == "flow":
        quoted = [f'"{v}"' if "," in v or v[:1] in "-?:[]{}#&*!|>'%@`" else v for v in value]
        return ("flow", "[" + ", ".join(quoted) + "]")
    return ("seq", [style.text(v) for v in value])


def _project_pairs(style: Style, rng: random.Random, department: Department, project: Project) -> list:
    amounts = []
    if project.initial is not None:
        amounts.append(("年初预算", style.amount(project.initial)))
    amounts += [("调整预算", style.amount(project.budget)), ("决算", style.amount(project.actual))]
    if style.comments and rng.random() < 0.15:
        amounts[-1] = (amounts[-1][0], amounts[-1][1] + "   # 全年执行数")
    if project.prior is not None:
        amounts.append(("上年决算", style.amount(project.prior)))
    if rng.random() < 0.2:
        rng.shuffle(amounts)
    pairs: list = [("名称", style.text(project.name))] + amounts
    extras: list = []
    if project.authority:
        extras.append(("主管部门", style.text(project.authority)))
    if project.implementer:
        extras.append(("实施单位", style.text(project.implementer)))
    if project.rate_marks is not None:
        extras.append(("执行率分值", style.points(project.rate_marks)))
    if project.filled_by:
        extras += [("填报人", project.filled_by), ("联系电话", style.text(project.telephone))]
    if project.filled_on:
        extras.append(("填报日期", project.filled_on))
    if project.sources:
        rows = [(s.written, _source_value(style, s)) for s in project.sources]
        extras.append(("资金来源", ("map", rows)))
    if project.goal:
        goal = [
            ("预期目标", _goal_value(style, rng, project.goal[0], project.goal_style)),
            ("实际完成情况", _goal_value(style, rng, project.goal[1], project.goal_style)),
        ]
        extras.append(("年度总体目标", ("map", goal)))
    if rng.random() < 0.2:
        rng.shuffle(extras)
    pairs += extras
    if project.dims:
        pairs.append(("绩效指标", ("seq", [_node_pairs(style, rng, d, 1) for d in project.dims])))
    return pairs


def _totals(department: Department) -> dict:
    """The department's lines as the file states them (项目支出's 年初预算 is written; its
    调整预算 and 决算 are the projects' sums)."""
    projects = department.projects
    basic_initial, basic_budget, basic_actual = department.basic
    project_budget = sum((p.budget for p in projects), D(0))
    project_actual = sum((p.actual for p in projects), D(0))
    project_initial = sum((p.initial or p.budget for p in projects), D(0))
    return {
        "基本支出": (basic_initial, basic_budget, basic_actual),
        "项目支出": (project_initial, project_budget, project_actual),
        "合计": (basic_initial + project_initial, basic_budget + project_budget, basic_actual + project_actual),
    }


def _budget_block(style: Style, rng: random.Random, department: Department) -> list:
    projects = department.projects
    totals = _totals(department)
    basic_initial, basic_budget, basic_actual = totals["基本支出"]
    project_initial, project_budget, project_actual = totals["项目支出"]
    _, total_budget, total_actual = totals["合计"]
    staff = (basic_actual * D(str(rng.uniform(0.7, 0.85)))).quantize(D("0.01"))
    pairs: list = [("年初预算", style.amount(basic_initial + project_initial))]
    if department.low_rate_line is not None:
        pairs.append(("执行率偏低阈值", style.points(department.low_rate_line)))
    if department.state_totals:
        pairs += [("调整预算", style.amount(total_budget)), ("决算", style.amount(total_actual))]
    pairs.append(("上年决算", style.amount((total_actual * D("0.93")).quantize(D("0.01")))))
    basic = [
        ("年初预算", style.amount(basic_initial)),
        ("调整预算", style.amount(basic_budget)),
        ("决算", style.amount(basic_actual)),
        ("人员经费", style.amount(staff)),
        ("公用经费", style.amount(basic_actual - staff)),
    ]
    pairs.append(("基本支出", ("map", basic)))
    spending = [("年初预算", style.amount(project_initial))]
    if department.state_project_totals:
        spending += [("调整预算", style.amount(project_budget)), ("决算", style.amount(project_actual))]
    if rng.random() < 0.5:
        spending.append(("上年决算", style.amount((project_actual * D("0.9")).quantize(D("0.01")))))
    pairs.append(("项目支出", ("map", spending)))
    entries: list = []
    for i, project in enumerate(projects):
        if style.blank_between and i:
            entries.append("")
        if style.comments and rng.random() < 0.2:
            entries.append(f"# 第{i + 1}个项目" + ("（未开展绩效自评）" if not project.dims else ""))
        entries.append(_project_pairs(style, rng, department, project))
    pairs.append(("项目", ("seq", entries)))
    carried_budget = (total_budget * D(str(rng.uniform(0.01, 0.08)))).quantize(D("0.01"))
    carried_actual = min(carried_budget, (carried_budget * D(str(rng.uniform(0.7, 1.0)))).quantize(D("0.01")))
    current = rng.choice(["本年财政拨款", "当年财政拨款"])
    funds = [
        (
            current,
            (
                "flow",
                _flow_map(
                    style,
                    [
                        ("年初预算", style.amount(basic_initial + project_initial)),
                        ("调整预算", style.amount(total_budget - carried_budget)),
                        ("决算", style.amount(total_actual - carried_actual)),
                    ],
                ),
            ),
        ),
        (
            "上年结转资金",
            (
                "flow",
                _flow_map(
                    style,
                    [
                        ("年初预算", "0"),
                        ("调整预算", style.amount(carried_budget)),
                        ("决算", style.amount(carried_actual)),
                    ],
                ),
            ),
        ),
    ]
    pairs.append(("资金来源", ("map", funds)))
    income = total_budget - carried_budget
    pairs.append(("收入", ("map", [("财政拨款收入", style.amount(income)), ("其他收入", style.amount(D("12.60")))])))
    prior = (income * D("0.95")).quantize(D("0.01"))
    pairs.append(("上年收入", ("map", [("财政拨款收入", style.amount(prior)), ("其他收入", style.amount(D("15")))])))
    return pairs


def _settings_block(style: Style, rng: random.Random, department: Department) -> list:
    pairs = []
    by, phone, date = department.filled
    if department.output:
        pairs.append(("输出", department.output))
    if department.rate_marks is not None:
        pairs.append(("执行率分值", style.points(department.rate_marks)))
    if department.low_line is not None:
        pairs.append(("得分偏低线", style.points(department.low_line)))
    if department.summary_sheet:
        pairs.append(("汇总表", "是"))
    if by:
        pairs.append(("填报人", by))
    if phone:
        pairs.append(("联系电话", style.text(phone)))
    if date:
        pairs.append(("填报日期", date))
    return pairs


def yaml_of(rng: random.Random, department: Department) -> str:
    style = Style(rng)
    writer = Writer(style)
    writer.mapping(0, [("收支", ("map", _budget_block(style, rng, department)))])
    budget = "\n".join(writer.lines)
    writer.lines = []
    settings = _settings_block(style, rng, department)
    if settings:
        if rng.random() < 0.3 and all(isinstance(v, str) for _, v in settings):
            writer.put(0, "项目自评: " + _flow_map(style, settings))
        else:
            writer.mapping(0, [("项目自评", ("map", settings))])
    forms = "\n".join(writer.lines)
    grades = f"  等级: {department.grades_written}\n" if department.grades_written else ""
    bands = f"  定性档次: {department.bands_written}\n" if department.bands_written else ""
    attachments = "[" + ", ".join(department.attachments) + "]"
    text = (
        HEAD.format(部门=department.name, 自称=department.self_name)
        + budget
        + "\n\n"
        + EVALUATION
        + grades
        + bands
        + TAIL
        + (forms + "\n\n" if forms else "")
        + f"落款:\n  单位: {department.name}\n  日期: 2024-03-15\n\n附件: {attachments}\n"
    )
    # Saved on Windows: CRLF line ends; by Notepad: a byte-order mark.
    if rng.random() < 0.12:
        text = text.replace("\n", "\r\n")
    if rng.random() < 0.1:
        text = "\ufeff" + text
    return text


def departments(seed: int, count: int) -> list[Department]:
    """The departments of a corpus, as the generator holds them (each has its own random stream)."""
    taken: set[str] = set()
    return [_department(random.Random(f"{seed}:{i}"), taken) for i in range(count)]


def generate(seed: int, count: int) -> list[tuple[str, dict]]:
    """``count`` data files and what their builds must show; the same seed gives the same files."""
    return files_of(seed, departments(seed, count))


def drop_indicators(department: Department, project: Project) -> str:
    project.dims = None
    return f"{department.name}：“{project.name}”删去绩效指标"


def rename(department: Department, project: Project) -> str:
    old, project.name = project.name, project.name + "（调整）"
    return f"{department.name}：“{old}”改名为“{project.name}”"


def respend(department: Department, project: Project, delta: Decimal) -> str:
    """Less spent on a project (and on its largest 资金来源 row)."""
    delta = min(project.actual, delta)
    if project.sources:
        row = max(project.sources, key=lambda r: r.actual)
        delta = min(delta, row.actual)
        row.actual -= delta
    project.actual -= delta
    project.rate_kind = "revised"
    return f"{department.name}：“{project.name}”决算减少 {delta} 万元"


def set_output(department: Department, output: str | None) -> str:
    before, department.output = department.output, output
    return f"{department.name}：项目自评.输出 {before} → {output}"


def attach_forms(department: Department, attached: bool) -> str:
    """The forms into the report (附件 lists 项目支出绩效自评表; the files beside it must go), or out."""
    department.attachments = [a for a in department.attachments if a != "项目支出绩效自评表"]
    if attached:
        department.attachments.append("项目支出绩效自评表")
    department.output = None
    return f"{department.name}：附件改为 {department.attachments}，不写项目自评.输出"


def reweigh(department: Department, marks: Decimal) -> str:
    """The notice changes 预算执行率's weight; the indicators keep theirs (check warns: not 100)."""
    before, department.rate_marks = department.rate_marks, marks
    return f"{department.name}：项目自评.执行率分值 {before} → {marks}"


def revise(seed: int, corpus: list[Department]) -> list[str]:
    """The next version of some departments' files, as a clerk edits them between two builds:
    a project loses its 绩效指标 (its form must go), one is renamed (the old form must go), one
    project's spending changes, the forms are merged or split again or moved into the report,
    执行率分值 changes. Changes ``corpus`` in place; returns what was changed."""
    done = []
    for i, department in enumerate(corpus):
        rng = random.Random(f"{seed}:{i}:revise")
        if rng.random() < 0.3:
            continue
        evaluated = [p for p in department.projects if p.dims]
        if len(evaluated) >= 2 and rng.random() < 0.6:
            done.append(drop_indicators(department, rng.choice(evaluated)))
        evaluated = [p for p in department.projects if p.dims]
        if evaluated and rng.random() < 0.4:
            done.append(rename(department, rng.choice(evaluated)))
        done.append(respend(department, rng.choice(department.projects), D(rng.randint(1, 500)) / 100))
        if evaluated and "项目支出绩效自评表" not in department.attachments and rng.random() < 0.5:
            done.append(set_output(department, None if department.output == "合并" else "合并"))
        elif evaluated and rng.random() < 0.3:
            done.append(attach_forms(department, "项目支出绩效自评表" not in department.attachments))
        if evaluated and rng.random() < 0.15:
            done.append(reweigh(department, D(20) if department.rate_marks != D(20) else D(10)))
    return done


def files_of(seed: int, corpus: list[Department]) -> list[tuple[str, dict]]:
    """The files of ``corpus`` (as generated, or after edits), typed by the same clerks."""
    return [
        (yaml_of(random.Random(f"{seed}:{i}:yaml"), department), expected_of(department))
        for i, department in enumerate(corpus)
    ]


# --- the department-level parts of data/examples/2023-财政部提纲.yaml ---------------------------

HEAD = """# yaml-language-server: $schema=../../schema/report.schema.json
# 生成的语料（tests/forms_corpus）：部门级内容取自 data/examples/2023-财政部提纲.yaml。

提纲: 财政部
年度: 2023
部门: {部门}
自称: {自称}

部门职能:
  - 贯彻落实党中央关于“三农”工作的方针政策和决策部署，统筹研究和组织实施全县“三农”工作的发展规划。
  - 负责种植业、畜牧业、渔业、农垦、农业机械化等农业各产业的监督管理，组织实施农田建设项目。
  - 负责全县动物疫病防控和农产品质量安全监督管理工作。
  - 负责农业技术推广、农民教育培训和农业科技成果转化工作。

机构人员:
  内设机构: [办公室, 计划财务股, 农田建设管理股, 种植业管理股, 畜牧兽医股]
  编制数: 36
  在职人数: 33
  离退休人数: 21

绩效目标:
  - 目标: 新建高标准农田3.2万亩，粮食播种面积稳定在45万亩以上；
    完成情况: 新建高标准农田3.35万亩，粮食播种面积45.6万亩，粮食总产量21.35万吨。
  - 目标: 动物疫病强制免疫密度保持在90%以上，不发生区域性重大动物疫情；
    完成情况: 强制免疫密度达到96%，全年未发生区域性重大动物疫情。
  - 目标: 开展农业技术培训6000户次，农户满意度达到90%以上。
    完成情况: 开展农业技术培训5400户次，农户满意度92.3%。

"""

EVALUATION = """自评:
  一级指标:
    - 名称: 产出指标
      二级指标:
        - 名称: 数量指标
          三级指标:
            - 名称: 新建高标准农田面积
              分值: 10
              计分: 完成比例
              年度指标值: ≥3.2万亩
              实际完成值: 3.35万亩
            - 名称: 农业技术培训户次
              分值: 10
              计分: 完成比例
              年度指标值: ≥6000户次
              实际完成值: 5400户次
              偏差原因: 受汛期影响，部分乡镇的集中培训推迟到次年一季度
              改进措施: 提前制定培训计划，汛期改为线上培训
        - 名称: 质量指标
          三级指标:
            - 名称: 动物疫病强制免疫密度
              分值: 10
              计分: 完成比例
              年度指标值: ≥90%
              实际完成值: 96%
        - 名称: 时效指标
          三级指标:
            - 名称: 农田建设项目按期完工率
              分值: 10
              计分: 完成比例
              年度指标值: ≥95%
              实际完成值: 93.5%
              偏差原因: 两个标段因征地协调延期完工
              改进措施: 提前做好用地协调，按月调度项目进度
        - 名称: 成本指标
          三级指标:
            - 名称: 高标准农田亩均投资
              分值: 10
              计分: 完成比例
              年度指标值: ≤4000元/亩
              实际完成值: 3850元/亩
    - 名称: 效益指标
      二级指标:
        - 名称: 经济效益指标
          三级指标:
            - 名称: 粮食总产量
              分值: 10
              计分: 完成比例
              年度指标值: ≥21万吨
              实际完成值: 21.35万吨
        - 名称: 社会效益指标
          三级指标:
            - 名称: 区域性重大动物疫情发生次数
              分值: 10
              计分: 完成比例
              年度指标值: ≤0次
              实际完成值: 0次
        - 名称: 生态效益指标
          三级指标:
            - 名称: 化学农药使用量
              分值: 10
              计分: 得分
              年度指标值: 较上年减少
              实际完成值: 基本实现
              得分: 8.5
              偏差原因: 个别乡镇病虫害偏重，用药量下降不明显
    - 名称: 满意度指标
      二级指标:
        - 名称: 服务对象满意度指标
          三级指标:
            - 名称: 农户满意度
              分值: 10
              计分: 完成比例
              年度指标值: ≥90%
              实际完成值: 92.3%
    - 名称: 预算执行率
      分值: 10
      计分: 预算执行率
"""

TAIL = """
存在问题:
  - 部分绩效指标设置不够细化，个别指标以定性描述为主，难以准确衡量。
  - 项目前期工作不够充分，个别项目因征地协调延期，影响了资金支付进度。

改进措施:
  - 细化量化绩效指标，提高绩效目标的可衡量性。
  - 加强项目前期论证和储备，按月调度资金支付进度。
  - 强化绩效评价结果运用，将评价结果作为下年度预算安排的重要依据。

其他需要说明的问题: 本报告所列数据以2023年度部门决算报表为准。

"""
