"""Random but realistic data files: the truth of each generated case.

Every value a data file holds here is one the built report states (in its text or
its attachments), so that the report a clerk would have typed from it carries
all of it: the generator only writes keys the chosen outline prints.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

CENT = Decimal("0.01")

REGIONS = [
    "广州市", "番禺区", "天河区", "越秀区", "海珠区", "荔湾区", "白云区", "黄埔区", "花都区", "南沙区", "从化区",
    "增城区", "青山县", "龙门县", "佛冈县", "连山县", "新丰县", "清远市", "韶关市", "江门市新会区", "梅州市梅县区",
    "肇庆市", "惠东县", "博罗县", "阳山县", "封开县", "台山市", "开平市", "英德市", "乐昌市",
]

#: (organ, how it names itself, the field it works in)
ORGANS = [
    ("农业农村局", "我局", "农业农村"), ("教育局", "我局", "教育"), ("卫生健康局", "我局", "卫生健康"),
    ("交通运输局", "我局", "交通运输"), ("住房和城乡建设局", "我局", "住房城乡建设"), ("民政局", "我局", "民政"),
    ("司法局", "我局", "司法行政"), ("市场监督管理局", "我局", "市场监管"), ("发展和改革局", "我局", "发展改革"),
    ("科学技术局", "我局", "科技创新"), ("文化广电旅游体育局", "我局", "文化旅游"), ("应急管理局", "我局", "应急管理"),
    ("水务局", "我局", "水务"), ("林业和园林局", "我局", "林业园林"), ("统计局", "我局", "统计"),
    ("医疗保障局", "我局", "医疗保障"), ("退役军人事务局", "我局", "退役军人服务"), ("机关事务管理局", "我局", "机关事务"),
    ("城市管理和综合执法局", "我局", "城市管理"), ("人民政府办公室", "我办", "政务服务"),
    ("人民政府金融工作办公室", "我办", "金融服务"), ("发展和改革委员会", "我委", "发展改革"),
    ("卫生健康委员会", "我委", "卫生健康"), ("经济技术开发区管理委员会", "我委", "园区建设"),
    ("投资促进中心", "我中心", "投资促进"), ("公共资源交易中心", "我中心", "公共资源交易"),
    ("融媒体中心", "我中心", "新闻宣传"), ("档案馆", "我馆", "档案管理"), ("残疾人联合会", "我会", "残疾人服务"),
    ("政务服务数据管理局", "我局", "数字政府"),
]

PROJECT_TOPICS = [
    "科技创新专项", "高标准农田建设", "动物防疫补助", "农村人居环境整治", "义务教育学位建设", "学生资助",
    "基层医疗卫生机构运行", "基本公共卫生服务", "农村公路养护", "城市照明维护", "智慧城市建设", "政务信息化运维",
    "法律援助", "社区矫正", "食品安全抽检", "特种设备安全监察", "文化惠民演出", "全民健身设施维护", "河涌水质提升",
    "污水管网运维", "森林防火", "古树名木保护", "应急物资储备", "安全生产执法检查", "档案数字化", "统计调查",
    "招商引资活动", "办公用房维修", "物业管理服务", "高龄老人津贴", "困难群众救助", "退役军人优抚", "残疾人康复服务",
    "医保基金监管", "12345热线运营", "网格化服务管理", "生活垃圾分类推广", "人才引进补贴", "中小企业扶持",
    "驻镇帮镇扶村", "农业技术推广与培训", "水利工程维修养护", "排水设施巡查", "公共法律服务体系建设",
    "消费者权益保护", "旅游宣传推广", "非物质文化遗产保护", "校园安全防控", "教师继续教育培训",
    "重大项目前期工作", "营商环境评价", "数据资源平台建设", "政府购买服务", "党建工作", "宣传教育",
]
PROJECT_SUFFIXES = ["经费", "专项经费", "项目", "专项资金", "补助资金", "工作经费", "运维经费"]

UNITS = ["办公室", "计划财务股", "政策法规股", "综合业务股", "人事股", "监督检查股", "信息中心", "综合执法大队",
         "规划发展科", "财务审计科", "项目管理科", "行政审批科", "安全监管科", "服务保障科"]

DUTY_SHAPES = [
    "贯彻执行国家和省、市有关{field}工作的法律法规和方针政策，拟订{area}{field}发展规划并组织实施。",
    "负责{area}{field}领域的统筹协调和监督管理，研究解决{field}工作中的重大问题。",
    "组织实施{field}重点项目建设，负责项目资金的使用管理和绩效评价。",
    "负责{field}领域的行业管理和公共服务，指导基层开展{field}相关工作。",
    "承担{field}信息统计、分析和发布工作，推进{field}领域信息化建设。",
    "负责{field}领域的安全生产监督管理和应急处置工作。",
    "指导和监督{field}领域的行政执法工作，依法查处违法违规行为。",
    "承办{area}委、{area}政府交办的其他事项。",
]
TASK_TITLES = [
    "聚焦主责主业，推动{field}工作提质增效", "强化统筹协调，扎实推进重点项目建设", "深化改革创新，持续优化营商环境",
    "坚持问题导向，补齐{field}领域短板", "加强队伍建设，提升依法行政水平", "加强数字赋能，提升{field}服务效能",
    "守牢安全底线，统筹发展和安全", "抓实民生实事，增强群众获得感",
]
TASK_BODIES = [
    "全年组织开展{field}专项行动{n}次，覆盖{m}个镇街，累计服务群众{k}余人次，相关工作得到上级部门肯定。",
    "围绕年度目标任务，制定工作方案{n}项，完成重点项目{m}个，完成投资{k}万元，项目按计划推进。",
    "建立健全{field}工作机制，出台配套制度{n}项，开展业务培训{m}场次，培训人员{k}人次。",
    "落实安全生产责任制，开展隐患排查{n}次，整改问题{m}项，全年未发生较大以上安全事故。",
]
GOAL_TARGETS = [
    "完成{field}重点项目{n}个，项目按期完工率达到95%以上；", "开展{field}业务培训{n}场次，培训{m}人次；",
    "组织开展专项检查{n}次，问题整改率达到100%；", "服务对象满意度达到90%以上；",
    "全年办理{field}事项{m}件，按时办结率达到98%以上；",
]
GOAL_RESULTS = [
    "全年完成{field}重点项目{n}个，按期完工率达到{p}%。", "开展业务培训{n}场次，培训{m}人次，完成年度目标。",
    "开展专项检查{n}次，发现问题全部完成整改。", "经第三方测评，服务对象满意度为{p}%。",
    "全年办理{field}事项{m}件，按时办结率{p}%。",
]
MANAGEMENT_SUMMARIES = [
    "根据财政预算绩效管理要求，{self}积极推进预算绩效管理，有效开展部门整体支出绩效和项目绩效等各项管理工作，强化支出责任和效率。",
    "{self}认真落实全面实施预算绩效管理的要求，将绩效理念贯穿预算编制、执行和监督全过程。",
]
MEASURES = [
    "科学合理设置绩效目标，尽量选用可量化指标，方便考核评价", "开展预算绩效运行监控，及时发现并纠正执行中的偏差",
    "预算执行后组织对所有项目开展绩效自评", "加强绩效评价结果应用，将评价结果作为预算安排的重要依据",
    "健全内部控制制度，规范资金使用管理",
]
PROBLEMS = [
    "部分绩效指标设置不够细化，个别指标以定性描述为主，难以准确衡量。", "预算编制的精细化程度有待提高，年中调整较多。",
    "项目前期工作不够充分，个别项目因审批手续影响了资金支付进度。", "绩效自评的质量有待提升，佐证材料不够完整。",
    "资产管理基础工作较为薄弱，部分资产账实不符。",
]
IMPROVEMENTS = [
    "加强制度建设，进一步加强预算支出及绩效管理全过程监控", "明确责任，落实各项目归口科室支出主体责任",
    "及时调整，优化预算项目，提高预算执行率", "细化量化绩效指标，提高绩效目标的可衡量性",
    "加强项目前期论证和储备，按月调度资金支付进度", "强化绩效评价结果运用，将评价结果作为下年度预算安排的重要依据",
]
ASSESSMENTS = [
    "从预算支出情况来看，{self}较好地完成了履行职能职责和各项重点工作任务，整体支出和项目绩效情况较为理想。",
    "总体来看，{self}预算执行情况良好，资金使用规范，较好地保障了各项工作的开展。",
]
OTHER_MATTERS = ["本报告所列数据以{year}年度部门决算报表为准。", "本年度无其他需要说明的问题。",
                 "{self}对本报告所附数据的真实性、准确性负责。"]

#: 广东 outline: 管理效率's usual second-level items, with their usual points.
MANAGEMENT_ITEMS = [("预算编制", 10), ("预算执行", 10), ("信息公开", 5), ("绩效管理", 10), ("采购管理", 5),
                    ("资产管理", 5), ("运行成本", 5), ("内控管理", 5), ("财务管理", 5)]
ANALYSES = [
    "{self}在充分梳理各科室实际工作需求的前提下，结合财政情况合理编制预算，专项支出紧密结合主要职责任务。",
    "支出范围、程序、用途等符合财经法规和财务管理制度等有关资金管理的规定。",
    "按时、按要求对预决算、绩效信息进行公开。",
    "严格按照规定配备办公设备，按内部管理制度要求对固定资产进行管理，定期盘点。",
    "公用经费控制、“三公”经费控制较好。",
    "严格按照政府采购相关规定实施采购活动，完善采购台账和入库登记。",
]
DEDUCTION_REASONS = ["缺乏明确绩效要求、科室分工的制度", "部分项目预算调整幅度较大", "个别信息公开不够及时",
                     "资产登记不够及时", "部分采购资料归档不完整", "内控制度更新不及时"]
CONCLUSIONS = ["所设绩效指标全部完成任务", "各项管理工作规范有序", "基本完成年度目标"]

#: 财政部 outline: (二级指标, [(三级指标, unit, target, larger is better)])
MOF_TREE = {
    "产出指标": [
        ("数量指标", [("完成重点项目数量", "个", 12, True), ("开展业务培训场次", "场次", 30, True),
                      ("服务群众人次", "人次", 5000, True), ("新建设施数量", "处", 8, True)]),
        ("质量指标", [("项目验收合格率", "%", 100, True), ("问题整改率", "%", 95, True)]),
        ("时效指标", [("项目按期完工率", "%", 95, True), ("事项按时办结率", "%", 98, True)]),
        ("成本指标", [("单位服务成本", "元/人次", 300, False), ("项目成本控制率", "%", 100, False)]),
    ],
    "效益指标": [
        ("经济效益指标", [("带动社会投资", "万元", 500, True)]),
        ("社会效益指标", [("安全责任事故发生次数", "次", 0, False), ("群众知晓率", "%", 85, True)]),
        ("生态效益指标", [("能源消耗降低率", "%", 3, True)]),
        ("可持续影响指标", [("长效管理机制建立情况", None, None, True)]),
    ],
    "满意度指标": [("服务对象满意度指标", [("服务对象满意度", "%", 90, True), ("群众满意度", "%", 85, True)])],
}
DEVIATIONS = ["受天气影响，部分工作推迟到次年一季度", "个别项目因征地协调延期完工", "部分镇街配合进度较慢",
              "受上级政策调整影响，部分任务顺延"]
REMEDIES = ["提前制定工作计划，按月调度进度", "加强与相关部门的沟通协调", "细化任务分解，压实责任"]
QUALITATIVE = [("较上年有所改善", "基本实现"), ("建立长效管理机制", "已建立"), ("持续提升", "有所提升")]


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


class TruthMaker:
    """One data file, drawn from ``rng``; ``outline`` is 广东 or 财政部."""

    def __init__(self, rng: random.Random, outline: str, year: int, budget_table: bool | None = None):
        self.forced_budget_table = budget_table
        self.rng = rng
        self.outline = outline
        self.year = year
        self.features: list[str] = []

    def amount(self, low: int, high: int) -> Decimal:
        return money(Decimal(self.rng.randint(low * 100, high * 100)) / 100)

    def fill(self, shape: str, **extra) -> str:
        rng = self.rng
        values = {"field": self.field, "area": self.area, "self": self.self_name, "year": self.year,
                  "n": rng.randint(2, 40), "m": rng.randint(50, 900), "k": rng.randint(1000, 30000),
                  "p": rng.choice(["96", "97.5", "98", "99.2", "100"])}
        return shape.format(**{**values, **extra})

    def make(self) -> dict:
        rng = self.rng
        region = rng.choice(REGIONS)
        organ, self_name, field = rng.choice(ORGANS)
        self.field, self.self_name = field, self_name
        self.area = region[-1] if region[-1] in "区县市" else "区"
        self.area = {"区": "区", "县": "县", "市": "市"}[self.area]
        department = region + organ
        data: dict = {}
        if self.outline == "财政部":
            data["提纲"] = "财政部"
        data["年度"] = self.year
        data["部门"] = department
        data["自称"] = self_name
        if rng.random() < 0.3:
            data["附件编号"] = rng.randint(1, 3)
            self.features.append("truth:附件编号")
        data["部门职能"] = self.pick_texts(DUTY_SHAPES, 3, 7)
        if rng.random() < 0.5:
            data["机构人员"] = self.staffing()
            self.features.append("truth:机构人员")
        if self.outline == "广东" or rng.random() < 0.5:
            data["重点工作"] = [
                {"标题": self.fill(title), "内容": self.fill(rng.choice(TASK_BODIES))}
                for title in rng.sample(TASK_TITLES, rng.randint(2, 5))
            ]
        count = rng.randint(2, 5)
        data["绩效目标"] = [
            {"目标": self.fill(GOAL_TARGETS[i % len(GOAL_TARGETS)]), "完成情况": self.fill(GOAL_RESULTS[i % len(GOAL_RESULTS)])}
            for i in rng.sample(range(len(GOAL_TARGETS)), min(count, len(GOAL_TARGETS)))
        ]
        if self.outline == "财政部":
            # the 财政部 outline prints each target as a run-in heading ending in 。
            for goal in data["绩效目标"]:
                goal["目标"] = goal["目标"].rstrip("；") + "。"
        data["收支"] = self.budget()
        if self.outline == "广东":
            data["绩效管理"] = {"概述": self.fill(rng.choice(MANAGEMENT_SUMMARIES)),
                                "举措": rng.sample(MEASURES, rng.randint(2, 4))}
        data["自评"] = self.guangdong_evaluation() if self.outline == "广东" else self.mof_evaluation()
        data["存在问题"] = rng.sample(PROBLEMS, rng.randint(0, 3))
        data["改进措施"] = rng.sample(IMPROVEMENTS, rng.randint(2, 4))
        if rng.random() < 0.4:
            others = [self.fill(text) for text in rng.sample(OTHER_MATTERS, rng.randint(1, 2))]
            data["其他需要说明的问题"] = others[0] if len(others) == 1 else others
            self.features.append("truth:其他需要说明的问题")
        if rng.random() < 0.6:
            day = datetime.date(self.year + 1, rng.randint(1, 4), rng.randint(1, 28))
            data["落款"] = {"单位": department, "日期": day}
            self.features.append("truth:落款")
        data["附件"] = self.attachments(data)
        return data

    def pick_texts(self, shapes: list[str], low: int, high: int) -> list[str]:
        return [self.fill(shape) for shape in self.rng.sample(shapes, self.rng.randint(low, min(high, len(shapes))))]

    def staffing(self) -> dict:
        rng = self.rng
        staffing: dict = {}
        if rng.random() < 0.8:
            staffing["内设机构"] = rng.sample(UNITS, rng.randint(2, 6))
        authorised = rng.randint(8, 120)
        staffing["编制数"] = authorised
        staffing["在职人数"] = rng.randint(authorised * 3 // 4, authorised)
        if rng.random() < 0.7:
            staffing["离退休人数"] = rng.randint(0, 60)
        return staffing

    def project_names(self, count: int) -> list[str]:
        names: list[str] = []
        for topic in self.rng.sample(PROJECT_TOPICS, count):
            names.append(topic + self.rng.choice(PROJECT_SUFFIXES))
        return names

    def split_off_by_a_cent(self, parts: list[Decimal]) -> Decimal:
        """The stated total: usually the parts' sum, sometimes a cent off (each part rounded from 元)."""
        total = sum(parts, Decimal(0))
        roll = self.rng.random()
        if roll < 0.15:
            self.features.append("truth:合计比分项之和多0.01")
            return total + CENT
        if roll < 0.3 and total > CENT:
            self.features.append("truth:合计比分项之和少0.01")
            return total - CENT
        return total

    def execution(self, budget: Decimal) -> Decimal:
        rate = Decimal(self.rng.choice([100, 100, 99, 98, 97, 96, 95, 93, 90, 85, 75, 62])) / 100
        if rate < 1:
            rate -= Decimal(self.rng.randint(0, 99)) / 10000
        return money(budget * rate)

    def budget(self) -> dict:
        rng = self.rng
        mof = self.outline == "财政部"
        # 广东 states projects and the parts' 年初预算 only in the 收支情况表; it is attached then.
        self.budget_table = (not mof and rng.random() < 0.85) or (mof and rng.random() < 0.4)
        if self.forced_budget_table is not None:
            self.budget_table = self.forced_budget_table
        project_count = rng.randint(3, 25) if (mof or self.budget_table) else 0
        names = self.project_names(project_count)
        projects = []
        for name in names:
            budget = self.amount(5, 900)
            project = {"名称": name}
            if self.budget_table:
                project["年初预算"] = money(budget * Decimal(rng.choice([1, 1, "0.9", "0.8", "1.1"])))
            project["调整预算"] = budget
            project["决算"] = self.execution(budget)
            projects.append(project)
        basic_budget = self.amount(150, 3000)
        basic = {"调整预算": basic_budget, "决算": self.execution(basic_budget)}
        if mof:
            basic["决算"] = min(basic["决算"], basic_budget)
        project_part: dict = {}
        if projects:
            project_part["调整预算"] = self.split_off_by_a_cent([p["调整预算"] for p in projects])
            project_part["决算"] = min(sum((p["决算"] for p in projects), Decimal(0)), project_part["调整预算"])
        else:
            budget = self.amount(50, 4000)
            project_part = {"调整预算": budget, "决算": self.execution(budget)}
        if self.budget_table:
            basic["年初预算"] = money(basic_budget * Decimal(rng.choice(["0.95", "1", "0.9"])))
            project_part["年初预算"] = (
                sum((p["年初预算"] for p in projects), Decimal(0)) if projects else money(project_part["调整预算"] * Decimal("0.9"))
            )
        if mof and rng.random() < 0.7:
            staff = money(basic["决算"] * Decimal(rng.choice(["0.7", "0.8", "0.85", "0.75"])))
            basic["人员经费"] = staff
            basic["公用经费"] = basic["决算"] - staff
            self.features.append("truth:人员经费")
        # Keys in the order a data file writes them.
        basic = {key: basic[key] for key in ("年初预算", "调整预算", "决算", "人员经费", "公用经费") if key in basic}
        project_part = {key: project_part[key] for key in ("年初预算", "调整预算", "决算") if key in project_part}
        total_initial = (
            basic.get("年初预算", Decimal(0)) + project_part.get("年初预算", Decimal(0))
            if self.budget_table
            else money((basic_budget + project_part["调整预算"]) * Decimal(rng.choice(["0.9", "0.95", "1"])))
        )
        budget: dict = {"年初预算": total_initial}
        budget["调整预算"] = self.split_off_by_a_cent([basic["调整预算"], project_part["调整预算"]])
        budget["决算"] = basic["决算"] + project_part["决算"]
        if mof and rng.random() < 0.6:
            self.features.append("truth:上年决算")
            budget["上年决算"] = money(budget["决算"] * Decimal(rng.choice(["0.9", "0.95", "1.05", "1.2"])))
            basic["上年决算"] = money(basic["决算"] * Decimal(rng.choice(["0.9", "0.97", "1.03"])))
            project_part["上年决算"] = budget["上年决算"] - basic["上年决算"]
            if project_part["上年决算"] <= 0:
                del budget["上年决算"], basic["上年决算"], project_part["上年决算"]
        budget["基本支出"] = basic
        budget["项目支出"] = project_part
        if projects:
            budget["项目"] = projects
        if mof and rng.random() < 0.5:
            self.features.append("truth:收入")
            grant = money(budget["调整预算"] * Decimal("0.98"))
            budget["收入"] = {"财政拨款收入": grant, "其他收入": self.amount(1, 80)}
        if mof and rng.random() < 0.5:
            self.features.append("truth:资金来源")
            carried = self.amount(1, 100)
            carried_budget = min(carried, budget["调整预算"] - CENT)
            current_budget = budget["调整预算"] - carried_budget
            carried_actual = self.execution(carried_budget)
            if budget["决算"] - carried_actual > current_budget:
                carried_actual = carried_budget
            budget["资金来源"] = {
                "本年财政拨款": {"年初预算": budget["年初预算"], "调整预算": current_budget,
                                 "决算": budget["决算"] - carried_actual},
                "上年结转资金": {"年初预算": Decimal(0), "调整预算": carried_budget, "决算": carried_actual},
            }
        budget["评价"] = self.fill(rng.choice(ASSESSMENTS))
        return budget

    def guangdong_evaluation(self) -> dict:
        rng = self.rng
        results = {"名称": "履职效能", "二级指标": [
            {"名称": "部门预算资金支出率", "分值": 10, "计分": "预算执行率"},
            {"名称": "部门整体绩效目标完成情况", "分值": 40},
        ]}
        if rng.random() < 0.3:
            deducted = results["二级指标"][1]
            deducted["扣分"] = rng.choice([1, 2, Decimal("1.5")])
            deducted["扣分原因"] = "个别绩效目标未全部完成"
        items = []
        for name, points in rng.sample(MANAGEMENT_ITEMS, rng.randint(3, 7)):
            item: dict = {"名称": name, "分值": points}
            if rng.random() < 0.85:
                item["分析"] = self.fill(rng.choice(ANALYSES))
            roll = rng.random()
            if roll < 0.2:
                item["扣分"] = rng.choice([1, 2, Decimal("0.5")])
                item["扣分原因"] = rng.choice(DEDUCTION_REASONS)
            elif roll < 0.3:
                item["计分"] = "得分"
                item["得分"] = points - rng.choice([0, 1, Decimal("0.5")])
                if item["得分"] < points:
                    item["扣分原因"] = rng.choice(DEDUCTION_REASONS)
            items.append(item)
        efficiency: dict = {"名称": "管理效率"}
        if rng.random() < 0.5:
            efficiency["结论"] = rng.choice(CONCLUSIONS)
        efficiency["二级指标"] = items
        evaluation: dict = {"一级指标": [results, efficiency]}
        if rng.random() < 0.15:
            evaluation["得分在前"] = "是"
            self.features.append("truth:得分在前")
        return evaluation

    def mof_evaluation(self) -> dict:
        rng = self.rng
        dimensions = []
        for dimension_name, branches in MOF_TREE.items():
            children = []
            for branch_name, leaves in rng.sample(branches, rng.randint(1, len(branches))):
                grandchildren = [self.mof_leaf(*leaf) for leaf in rng.sample(leaves, rng.randint(1, len(leaves)))]
                if rng.random() < 0.15 and len(grandchildren) == 1:
                    # a second-level indicator scored on its own
                    leaf = grandchildren[0]
                    del leaf["名称"]
                    children.append({"名称": branch_name, **leaf})
                else:
                    children.append({"名称": branch_name, "三级指标": grandchildren})
            dimensions.append({"名称": dimension_name, "二级指标": children})
        dimensions.append({"名称": "预算执行率", "分值": 10, "计分": "预算执行率"})
        self.features.append("truth:三级指标")
        return {"一级指标": dimensions}

    def mof_leaf(self, name: str, unit: str | None, target: int | None, larger: bool) -> dict:
        rng = self.rng
        points = rng.choice([5, 10, 10, 10, 15, 20])
        leaf: dict = {"名称": name, "分值": points}
        if unit is None:
            wanted, got = rng.choice(QUALITATIVE)
            leaf.update({"计分": "得分", "年度指标值": wanted, "实际完成值": got})
            leaf["得分"] = points - rng.choice([0, 0, 1, Decimal("0.5")])
            if leaf["得分"] < points:
                leaf["偏差原因"] = rng.choice(DEVIATIONS)
            return leaf
        reached = rng.random() < 0.7
        sign = "≥" if larger else "≤"
        if target == 0:
            achieved = Decimal(0 if reached else 1)
        else:
            if reached:
                factor = Decimal(rng.choice(["1", "1.05", "1.1"]) if larger else rng.choice(["1", "0.95", "0.9"]))
            else:
                factor = Decimal(rng.choice(["0.9", "0.85"]) if larger else rng.choice(["1.1", "1.2"]))
            achieved = money(Decimal(target) * factor)
            if unit == "%" and achieved > 100:
                achieved = Decimal(100)
            achieved = achieved.normalize()
        leaf.update({"计分": "完成比例", "年度指标值": f"{sign}{target}{unit}", "实际完成值": f"{achieved:f}{unit}"})
        if not reached:
            leaf["偏差原因"] = rng.choice(DEVIATIONS)
            if rng.random() < 0.6:
                leaf["改进措施"] = rng.choice(REMEDIES)
        if rng.random() < 0.3:
            leaf["分析"] = f"{self.self_name}按计划推进{name}相关工作。"
        return leaf

    def attachments(self, data: dict) -> list[str]:
        attached = []
        if self.budget_table:
            attached.append("收支情况表")
        # 广东 states the leaves' points only in its 自评表; 财政部 states them in the text too.
        if self.outline == "广东" or self.rng.random() < 0.6 or "资金来源" in data["收支"]:
            attached.append("绩效自评表")
        return attached
