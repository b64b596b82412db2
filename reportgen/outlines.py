"""Stage 1b: the outline the data asks for, as a set of templates.

An outline is a folder of templates with an ``outline.yaml`` saying what it is
and what it asks of the data, the way an mkdocs theme carries its
``mkdocs_theme.yml``::

    名称: 财政部
    必填: [重点工作]                     # sections it cannot do without
    附件:                               # tables ``附件`` may name → their template
      绩效自评表: attachments/evaluation.md.j2
    字段:                               # keys of its own, validated like built-in ones
      通知文号: {类型: 文字, 必填: 是, 说明: 开展自评工作的通知的文号}
      预算编码: {类型: 文字, 沿用: 是}       # init keeps it for next year
    指标字段:                           # keys every indicator may carry (a column of the 评分表)
      评分标准: {类型: 文字, 必填: 是, 沿用: 是}   # 必填: on every scored (末级) indicator

The built-in outlines are the folders of ``templates/`` that hold an
``outline.yaml``; they share ``templates/common/``.  The data picks one with
``提纲`` (default 广东).  A user's folder (``--templates``) is consulted first:
its templates replace the built-in ones of the same name, and its own
``outline.yaml``, if any, adds required sections, attachments and keys.
"""

from __future__ import annotations

import datetime
import functools
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import Field, create_model

from . import DEFAULT_TEMPLATES, files, formats, loading, schema, validation
from .diagnostics import Diagnostic, InvalidInput, error
from .valuetypes import Amount, Name, Percent, Points, Text, YesNo

# --- keys an outline adds or requires ------------------------------------------

#: The value types a template set may declare for its own keys (see ``outline.yaml``).
SCALAR_TYPES: dict[str, object] = {
    "文字": Text,
    "金额": Amount,
    "分值": Points,
    "百分数": Percent,
    "整数": Annotated[int, Field(ge=-(10**9), le=10**9)],
    "日期": datetime.date,
    "是否": YesNo,
}
FIELD_TYPES = (*SCALAR_TYPES, "列表", "表")


class FieldSpec(schema._Model):
    """One key a template set declares in its ``outline.yaml`` (under ``字段``)."""

    type: Literal[FIELD_TYPES] = Field(alias="类型")  # type: ignore[valid-type]
    required: YesNo = Field(False, alias="必填")
    carried: YesNo = Field(False, alias="沿用", description="init 生成下一年的文件时保留其值（如评分标准、预算编码）")
    description: Text | None = Field(None, alias="说明")
    item: Literal[tuple(SCALAR_TYPES)] = Field("文字", alias="元素", description="列表每项的类型")  # type: ignore[valid-type]
    columns: dict[Name(schema.ITEM_CHARS), Literal[tuple(SCALAR_TYPES)]] | None = Field(  # type: ignore[valid-type]
        None, alias="列", description="表的每一列：列名: 类型"
    )

    def annotation(self) -> object:
        if self.type == "列表":
            return list[SCALAR_TYPES[self.item]]
        if self.type == "表":
            row = create_model(
                "Row",
                __base__=schema._Model,
                **{
                    f"column_{i}": (SCALAR_TYPES[kind] | None, Field(None, alias=name))
                    for i, (name, kind) in enumerate((self.columns or {}).items())
                },
            )
            return list[row]
        return SCALAR_TYPES[self.type]


#: Sections that an outline may require (optional in :class:`Report`: a standalone outline
#: asks only for what it declares; both built-in ones require the first three).
REQUIRABLE = ("部门职能", "绩效目标", "改进措施", "机构人员", "重点工作", "绩效管理", "其他需要说明的问题", "落款")


@dataclass(frozen=True)
class Extension:
    """What the chosen outline asks of the data beyond :class:`Report`."""

    required: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ("收支情况表", "绩效自评表")
    fields: tuple[tuple[str, FieldSpec], ...] = ()
    #: Keys every indicator may carry (its columns in the outline's 评分表).
    indicator_fields: tuple[tuple[str, FieldSpec], ...] = ()
    #: Indicator name → how the notice scores it (分值, 计分, 比率, 满分线 …), for the data to leave out.
    rules: tuple[tuple[str, dict], ...] = ()

    def with_rules(self, data: dict) -> dict:
        """The data with each indicator the outline has a rule for given the rule's
        keys it does not set itself (a copy: the data as read stays as it is)."""
        if not self.rules or not isinstance(data, dict):
            return data
        rules = dict(self.rules)

        def apply(indicator):
            if not isinstance(indicator, dict):
                return indicator
            name = indicator.get("名称")
            made = {**rules[name], **indicator} if isinstance(name, str) and name in rules else dict(indicator)
            for key in schema.CHILD_KEYS:
                if isinstance(made.get(key), list):
                    made[key] = [apply(child) for child in made[key]]
            return made

        evaluation = data.get("自评")
        if not isinstance(evaluation, dict) or not isinstance(evaluation.get("一级指标"), list):
            return data
        return {**data, "自评": {**evaluation, "一级指标": [apply(d) for d in evaluation["一级指标"]]}}

    def carried(self) -> tuple[tuple[str, ...], ...]:
        """Paths (``*`` for any list position) of the declared keys ``init`` keeps."""
        paths = [(key,) for key, spec in self.fields if spec.carried]
        for key, spec in self.indicator_fields:
            if spec.carried:
                paths += indicator_paths(key)
        return tuple(paths)

    def missing_on_leaves(self, report: schema.Report) -> list[Diagnostic]:
        """A required indicator key is asked of each scored indicator (a 末级 one):
        a parent's row of the 评分表 carries its children's."""
        required = [key for key, spec in self.indicator_fields if spec.required]
        found = []
        for path, node in _indicators(report):
            if getattr(node, "children", None):
                continue
            extra = node.model_dump(by_alias=True)
            for key in required:
                if extra.get(key) is None:
                    found.append(error("缺少此项（模板集声明的指标字段，每个末级指标都要填写）", path + (key,)))
        return found


#: Where indicator trees stand: the department's score sheet and each project's form.
INDICATOR_TREES = (("自评", "一级指标"), ("收支", "项目", "*", "绩效指标"))


def indicator_paths(key: str) -> list[tuple[str, ...]]:
    """The paths of ``key`` on every indicator of every tree, at each level (``*``: any position)."""
    return [
        (*root, "*", *(part for level in schema.CHILD_KEYS[: depth - 1] for part in (level, "*")), key)
        for root in INDICATOR_TREES
        for depth in (1, 2, 3)
    ]


def _indicators(report: schema.Report):
    for i, dimension in enumerate(report.evaluation.dimensions):
        yield ("自评", "一级指标", i), dimension
        for j, indicator in enumerate(dimension.children or []):
            yield ("自评", "一级指标", i, "二级指标", j), indicator
            for k, leaf in enumerate(indicator.children or []):
                yield ("自评", "一级指标", i, "二级指标", j, "三级指标", k), leaf


def _with_fields(name: str, base: type[schema._Model], fields: tuple[tuple[str, FieldSpec], ...], **more) -> type:
    """``base`` with the declared keys added, all optional (a parent of scored
    indicators need not carry them), and ``more`` fields replaced."""
    added = {
        f"extra_{i}": (spec.annotation() | None, Field(None, alias=key, description=spec.description))
        for i, (key, spec) in enumerate(fields)
    }
    return create_model(name, __base__=base, __doc__=base.__doc__, **added, **more)


def _evaluation_model(fields: tuple[tuple[str, FieldSpec], ...]) -> type[schema.Evaluation]:
    def children(model: type, key: str) -> tuple:
        info = model.model_fields["children"]
        return (list[key] | None, Field(None, alias=info.alias, min_length=1, max_length=schema.MAX_INDICATORS))  # type: ignore[valid-type]

    leaf = _with_fields("Indicator3", schema.Indicator3, fields)
    indicator = _with_fields("Indicator", schema.Indicator, fields, children=children(schema.Indicator, leaf))
    dimension = _with_fields("Dimension", schema.Dimension, fields, children=children(schema.Dimension, indicator))
    info = schema.Evaluation.model_fields["dimensions"]
    return create_model(
        "Evaluation",
        __base__=schema.Evaluation,
        __doc__=schema.Evaluation.__doc__,
        dimensions=(list[dimension], Field(alias=info.alias, min_length=1, max_length=schema.MAX_INDICATORS)),  # type: ignore[valid-type]
    )


def model_for(extension: Extension) -> type[schema.Report]:
    """:class:`Report` with the outline's required sections made required, its
    attachments as the only names ``附件`` accepts, and its own keys added."""
    fields: dict[str, tuple] = {}
    for key in extension.required:
        name, info = next((n, f) for n, f in schema.Report.model_fields.items() if f.alias == key)
        inner = _unwrap_optional(info.annotation)
        limits = {"min_length": 1} if typing.get_origin(inner) is list else {}
        fields[name] = (inner, Field(alias=key, description=info.description, **limits))
    names = Literal[extension.attachments] if extension.attachments else Literal[""]  # type: ignore[valid-type]
    fields["attachments"] = (
        list[names],
        Field(
            default_factory=list,
            alias="附件",
            max_length=schema.MAX_ATTACHMENTS,
            description=schema.Report.model_fields["attachments"].description,
        ),
    )
    for i, (key, spec) in enumerate(extension.fields):
        annotation = spec.annotation()
        default = ... if spec.required else None
        fields[f"extra_{i}"] = (
            annotation if spec.required else annotation | None,
            Field(default, alias=key, description=spec.description),
        )
    if extension.indicator_fields:
        info = schema.Report.model_fields["evaluation"]
        fields["evaluation"] = (_evaluation_model(extension.indicator_fields), Field(alias=info.alias))
    return create_model("Report", __base__=schema.Report, __doc__=schema.Report.__doc__, **fields)


def _unwrap_optional(annotation: object) -> object:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


# --- the template sets ------------------------------------------------------------


SPEC_FILE = "outline.yaml"
#: The report's skeleton, which a standalone outline must have (see :mod:`reportgen.wording`).
MAIN_TEMPLATE = "report.md.j2"
COMMON = DEFAULT_TEMPLATES / "common"
DEFAULT_OUTLINE = "广东"
OUTLINE_KEY = "提纲"


#: The keys of a scoring rule an outline may give for an indicator by name.
RULE_KEYS = ("分值", "计分", "比率", "满分线", "每个百分点扣", "口径")
RuleSpec = create_model(
    "RuleSpec",
    __base__=schema._Model,
    __doc__="How the notice scores an indicator of a given name (``outline.yaml`` 评分规则).",
    **{name: (info.annotation, info) for name, info in schema.Scored.model_fields.items() if info.alias in RULE_KEYS},
)


class OutlineSpec(schema._Model):
    name: Text | None = Field(None, alias="名称")
    description: Text | None = Field(None, alias="说明")
    parent: Text | None = Field(None, alias="继承", description="以哪个内置提纲为底：只需放要改的模板")
    required: list[Literal[REQUIRABLE]] = Field(default_factory=list, alias="必填")  # type: ignore[valid-type]
    attachments: dict[Name(schema.ITEM_CHARS), Text] = Field(
        default_factory=dict, alias="附件", max_length=schema.MAX_ATTACHMENTS
    )
    fields: dict[Name(schema.ITEM_CHARS), FieldSpec] = Field(default_factory=dict, alias="字段")
    indicator_fields: dict[Name(schema.ITEM_CHARS), FieldSpec] = Field(default_factory=dict, alias="指标字段")
    numbering: list[Text] | None = Field(
        None, alias="编号", max_length=4, description="一至四级标题的序号写法，{一} 为汉字序号、{1} 为数字序号"
    )
    rules: dict[Name(schema.ITEM_CHARS), RuleSpec] = Field(  # type: ignore[valid-type]
        default_factory=dict, alias="评分规则", description="按指标名称给出计分规则，数据中同名指标未写的键取这里的"
    )


@dataclass(frozen=True)
class TemplateSet:
    name: str
    #: Where templates are looked up, first match wins.
    folders: tuple[Path, ...]
    #: Attachment name → its template (relative to the folders).
    attachments: tuple[tuple[str, str], ...]
    #: The data model this outline validates against.
    model: type[schema.Report]
    #: What the outline asks beyond the built-in model.
    extension: Extension
    #: Number patterns of heading levels 1 to 4 (GB/T 9704 7.3.3's unless the outline says otherwise).
    numbering: tuple[str, ...] = formats.HEADING_NUMBERS
    #: The user's own folder (``--templates``), searched first.
    user_folder: Path | None = None

    def attaches_builtin(self, attachment: tuple[str, str]) -> bool:
        """Whether the outline's attachment of this name is the built-in one (a
        user's folder may give the name a template of its own)."""
        name, template = attachment
        return dict(self.attachments).get(name) == template


#: The built-in attachments made of the projects' forms: their names and templates.
FORMS_ATTACHMENT = ("项目支出绩效自评表", "attachments/project_forms.md.j2")
SUMMARY_ATTACHMENT = ("项目自评汇总表", "attachments/project_summary.md.j2")


def builtin() -> dict[str, Path]:
    """Outline name → folder, for every built-in outline."""
    return dict(_builtin())


@functools.cache
def _builtin() -> tuple[tuple[str, Path], ...]:
    found = []
    for folder in sorted(p for p in DEFAULT_TEMPLATES.iterdir() if (p / SPEC_FILE).is_file()):
        found.append((_read_spec(folder).name or folder.name, folder))
    return tuple(found)


def forget() -> None:
    """Drop what was read of the template sets (their folders may have changed)."""
    _builtin.cache_clear()
    _template_set.cache_clear()


def available(user_templates: Path | None = None) -> tuple[str, ...]:
    """The names ``提纲`` may take: the built-in outlines and the user's folder's own."""
    return _names(_own_outline(user_templates.resolve()) if user_templates else None)


def _names(own: str | None) -> tuple[str, ...]:
    return (*builtin(), *([own] if own else []))


def choose(data: dict, user_templates: Path | None = None) -> TemplateSet:
    """The template set for ``data``, from its ``提纲`` and the user's folder.  A
    folder whose ``outline.yaml`` names an outline of its own (``名称: 岳阳``) is that
    outline, the default when the data names none."""
    user = user_templates.resolve() if user_templates else None
    own = _own_outline(user) if user else None
    name = data.get(OUTLINE_KEY) if isinstance(data, dict) else None
    name = (own or DEFAULT_OUTLINE) if name is None else name
    outlines = _names(own)
    if not isinstance(name, str):
        message = f"应为一个提纲的名称（{'、'.join(outlines)} 之一），不要写成列表或“键: 值”，也不要加方括号"
        raise InvalidInput([error(message, (OUTLINE_KEY,))])
    if name not in outlines:
        message = f'只能填：{"、".join(outlines)}，实际为 "{name}"'
        if user is None:
            message += f"；“{name}”若是自己的提纲，生成时要给出它的模板目录：--templates 目录"
        raise InvalidInput([error(message, (OUTLINE_KEY,))])
    return _template_set(name, user)


def _own_outline(user_templates: Path) -> str | None:
    """The outline a user's folder stands for by itself; None when it only
    replaces some templates of whichever outline the data names."""
    # Whatever stands there (a link out of the folder, a FIFO) is read through the guard, or refused.
    if not os.path.lexists(user_templates / SPEC_FILE):
        return None
    name = _read_spec(user_templates).name
    return name if name and name not in builtin() else None


@functools.cache
def _template_set(name: str, user_templates: Path | None) -> TemplateSet:
    if name in builtin():
        base: tuple[Path, ...] = (builtin()[name],)
        specs = [_read_spec(base[0])]
        if user_templates is not None and os.path.lexists(user_templates / SPEC_FILE):
            specs.append(_read_spec(user_templates, (user_templates, *base, COMMON)))
    else:
        assert user_templates is not None  # only a user's folder adds names
        own = _read_spec(user_templates)
        base = (builtin()[own.parent],) if own.parent else ()
        specs = [_read_spec(b) for b in base] + [own]
    folders = tuple(p for p in (user_templates, *base, COMMON) if p is not None)
    required: list[str] = []
    attachments: dict[str, str] = {}
    fields: dict[str, FieldSpec] = {}
    indicator_fields: dict[str, FieldSpec] = {}
    rules: dict[str, dict] = {}
    numbering = list(formats.HEADING_NUMBERS)
    for spec in specs:
        rules.update({name: rule.model_dump(by_alias=True, exclude_none=True) for name, rule in spec.rules.items()})
        numbering[: len(spec.numbering or [])] = spec.numbering or []
        required += [key for key in spec.required if key not in required]
        attachments.update(spec.attachments)
        fields.update(spec.fields)
        indicator_fields.update(spec.indicator_fields)
    extension = Extension(
        tuple(required),
        tuple(attachments),
        tuple(fields.items()),
        tuple(indicator_fields.items()),
        tuple(rules.items()),
    )
    model = model_for(extension)
    return TemplateSet(name, folders, tuple(attachments.items()), model, extension, tuple(numbering), user_templates)


def _read_spec(folder: Path, search: tuple[Path, ...] = ()) -> OutlineSpec:
    """A folder's ``outline.yaml``, validated; its problems are reported in it.
    Attachment templates are looked for in ``search`` (default: the folder, the
    outline it extends and the common one)."""
    path = folder / SPEC_FILE
    source = None
    try:
        source = loading.load(path, inside=folder)
        spec = validation.validate(source.data, OutlineSpec)
        parent = _parent(spec, folder)
        search = search or (folder, *parent, COMMON)
        problems = [*_clashes(spec), *_missing_templates(spec, search), *_numbering_problems(spec)]
        if problems:
            raise InvalidInput(problems)
        return spec
    except InvalidInput as exc:
        located = [d.located(source.locations) if source else d for d in exc.diagnostics]
        raise InvalidInput([d.in_file(path) for d in located]) from None


#: Names the wording stage puts beside the data in the templates' context
#: (:func:`reportgen.wording.context`): the attachments' templates and the title's lines.
ATTACHMENT_TEMPLATES_KEY, TITLE_LINES_KEY = "附件模板", "标题行"
PROVIDED_KEYS = (ATTACHMENT_TEMPLATES_KEY, TITLE_LINES_KEY)


def _parent(spec: OutlineSpec, folder: Path) -> tuple[Path, ...]:
    """The built-in outline's folder a user's outline extends (``继承``), checked;
    a folder standing alone must then write the report's skeleton itself."""
    if folder.parent == DEFAULT_TEMPLATES or not spec.name or spec.name in builtin():
        return ()
    if spec.parent is None:
        if not files.is_file(folder / MAIN_TEMPLATE):
            message = f"独立的提纲需要自己的 {MAIN_TEMPLATE}；或写“继承: {DEFAULT_OUTLINE}”，只放要改的模板"
            raise InvalidInput([error(message, ("名称",))])
        return ()
    if spec.parent not in builtin():
        raise InvalidInput([error(f'只能继承内置的提纲：{"、".join(builtin())}，实际为 "{spec.parent}"', ("继承",))])
    return (builtin()[spec.parent],)


def _numbering_problems(spec: OutlineSpec):
    for i, pattern in enumerate(spec.numbering or []):
        problem = formats.numbering_problem(pattern)
        if problem:
            yield error(problem, ("编号", i))


def _clashes(spec: OutlineSpec):
    builtin_keys = schema.builtin_keys()
    for key in spec.fields:
        if key in builtin_keys:
            yield error(f"“{key}”是内置的键，模板集不能重新声明；请换一个名称", ("字段", key))
        elif key in PROVIDED_KEYS:
            yield error(f"“{key}”是程序提供给模板的名称，模板集不能声明为自己的键；请换一个名称", ("字段", key))
    indicator_keys = schema.indicator_keys()
    for key in spec.indicator_fields:
        if key in indicator_keys:
            yield error(f"“{key}”是指标内置的键或算出的数，模板集不能重新声明；请换一个名称", ("指标字段", key))


def _missing_templates(spec: OutlineSpec, search: tuple[Path, ...]):
    for name, template in spec.attachments.items():
        relative = PurePosixPath(template)
        if relative.is_absolute() or ".." in relative.parts:
            yield error("应为模板目录内的相对路径，如 attachments/evaluation.md.j2", ("附件", name))
        elif not any(files.is_file(base / relative) for base in search):
            yield error(f"找不到模板文件 {template}", ("附件", name))
