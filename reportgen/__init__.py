"""reportgen: a department's yearly data (YAML) → its 部门整体支出绩效自评报告 (.docx, PDF).

Stages, one module each, data flowing one way: loading → schema → computation →
checks → wording → markup → typesetting (numbers from layout) → writing →
rendering; ``pipeline`` runs them, ``batch`` runs many files, ``cli`` is the
command line.
"""

from importlib import resources as _resources
from pathlib import Path as _Path

__version__ = "0.1.0"

#: The built-in templates (``templates/`` of the repository, installed as package data).
DEFAULT_TEMPLATES = _Path(str(_resources.files("reportgen.templates")))
