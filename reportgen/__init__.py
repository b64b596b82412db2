"""reportgen: a department's yearly data (YAML) → its 部门整体支出绩效自评报告 (.docx, PDF).

Stages, data flowing one way (no stage imports a later one): loading → schema
(valuetypes, schema, validation) → outlines → computation (one evaluated tree;
rules in scoring) → checks (references) → wording (sandbox) → markup (a typed
document) → typesetting (measuring, layout, wordxml) → writing → rendering.
``pipeline`` runs them, ``batch`` runs many files, ``comparison`` (diff) and
``rollover`` (init) build on them, ``cli`` is the command line and ``__main__``
its entry; ``importing`` reads the other way.  ``numbers``, ``formats``,
``files`` and ``diagnostics`` are the foundation every stage shares.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # DEFAULT_TEMPLATES, found on first use: the package's own import stays free of
    # anything slow, so that ``reportgen`` handles a Ctrl-C from its first moment.
    if name == "DEFAULT_TEMPLATES":
        import importlib.util
        from pathlib import Path

        #: The built-in templates (``templates/`` of the repository, installed as package data).
        global DEFAULT_TEMPLATES
        # The package's folder as the import system finds it (an editable install maps it
        # to the repository's templates/): importlib.resources costs a skipped build 10 ms.
        (folder,) = importlib.util.find_spec("reportgen.templates").submodule_search_locations
        DEFAULT_TEMPLATES = Path(folder)
        return DEFAULT_TEMPLATES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
