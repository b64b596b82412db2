"""The pipeline's shape, held by the code itself: data flows one way, so no stage
module imports a later one (lazily inside a function included), and the light
stages stay free of the heavy libraries they do not need."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reportgen"

#: Stage modules in the order data flows through them; a module may import its
#: own stage and earlier ones. The first group is the foundation every stage shares.
STAGES = [
    {"diagnostics", "numbers", "formats", "files", "caching"},
    {"loading"},
    {"valuetypes", "schema", "validation"},
    {"outlines"},
    {"scoring", "computation"},
    {"references", "checks", "narrative"},
    {"sandbox", "watchdog", "wording"},
    {"blocks", "markup"},
    {"layout", "wordxml", "wordbreaks", "measuring", "typesetting"},
    {"writing", "spreadsheet"},
    {"rendering"},
]
STAGE_OF = {name: i for i, group in enumerate(STAGES) for name in group}


def _imported(path: Path, depth: int) -> set[str]:
    """The reportgen modules a file imports, anywhere in it (``depth`` is how many
    dots reach the package from the file: 1 in reportgen/, 2 in a subpackage)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        # Fewer dots: a sibling inside the same subpackage, part of the same stage.
        if isinstance(node, ast.ImportFrom) and node.level == depth:
            found.update([node.module.split(".")[0]] if node.module else (a.name for a in node.names))
    return found


def _stage_modules():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem in STAGE_OF:
            yield path.stem, path, 1
    for path in sorted((PACKAGE / "typesetting").glob("*.py")):
        yield "typesetting", path, 2


@pytest.mark.parametrize(("stage", "path", "depth"), list(_stage_modules()), ids=lambda v: getattr(v, "name", None))
def test_no_stage_imports_a_later_one(stage, path, depth):
    later = sorted(name for name in _imported(path, depth) if name in STAGE_OF and STAGE_OF[name] > STAGE_OF[stage])
    assert later == [], f"{path.relative_to(PACKAGE.parent)} ({stage}) imports later stages: {later}"


def test_every_stage_module_is_placed():
    """A new module of the package is either a stage (placed above) or one of the programs built on them."""
    programs = {"__init__", "__main__", "pipeline", "batch", "comparison", "rollover", "cli", "chinese_cli"}
    unplaced = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in STAGE_OF | dict.fromkeys(programs))
    assert unplaced == []


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        ("reportgen.markup", "pydantic"),
        ("reportgen.formats", "pydantic"),
        ("reportgen.pipeline", "docx"),
    ],
)
def test_light_modules_do_not_load_heavy_libraries(module, absent):
    code = f"import sys, {module}; print({absent!r} in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_every_key_an_indicator_shows_templates_is_one_a_template_set_cannot_declare():
    """schema.indicator_keys() keeps a template set's 指标字段 from shadowing what the program
    puts on an indicator: it must know every key computation adds, at every level."""
    from conftest import SAMPLE
    from test_outlines import MOF_SAMPLE

    from reportgen import computation, loading, schema, validation

    for sample in (SAMPLE, MOF_SAMPLE):
        values = computation.evaluate(validation.validate(loading.load(sample).data)).values()
        nodes = list(values["自评"]["一级指标"])
        for node in list(nodes):
            nodes += node.get("二级指标") or []
            nodes += [leaf for child in node.get("二级指标") or [] for leaf in child.get("三级指标") or []]
        assert len(nodes) > 10
        assert set().union(*nodes) - schema.indicator_keys() == set()


def test_a_skipped_build_loads_neither_pipeline_nor_pydantic(tmp_path):
    """Rebuilding unchanged data only reads files and compares fingerprints."""
    from conftest import SAMPLE

    arguments = ["build", str(SAMPLE), "--out-dir", str(tmp_path)]
    subprocess.run([sys.executable, "-m", "reportgen.cli", *arguments], capture_output=True, check=True)
    probe = (
        "import sys\n"
        "from reportgen.cli import main\n"
        f"main({arguments!r}, prog_name='reportgen', standalone_mode=False)\n"
        "print(sorted(m for m in ('reportgen.pipeline', 'reportgen.wording', 'pydantic') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "未改动，跳过" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
