"""The peers the benchmark sets beside the floor, writing the same paragraphs as
the sample report: ``python bench/peers.py docxtpl PARAGRAPHS.json TEMPLATE.docx OUT.docx``
renders a docxtpl template (made by :func:`docxtpl_template`) whose one paragraph
loops over them.  pandoc is run by bench/run.py itself on :func:`markdown` of them."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def docxtpl_template(path: Path) -> None:
    """A template repeating one paragraph for each text (docxtpl's {%p %} tags)."""
    import docx

    document = docx.Document()
    for line in ("{%p for text in paragraphs %}", "{{ text }}", "{%p endfor %}"):
        document.add_paragraph(line)
    document.save(str(path))


def markdown(paragraphs: list[str]) -> str:
    """The paragraphs as Markdown, punctuation escaped so pandoc reads them as plain text."""
    return "\n\n".join(re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~^$])", r"\\\1", text) for text in paragraphs if text) + "\n"


def main() -> None:
    tool, paragraphs, template, out = sys.argv[1:]
    assert tool == "docxtpl", tool
    from docxtpl import DocxTemplate

    document = DocxTemplate(template)
    document.render({"paragraphs": json.loads(Path(paragraphs).read_text(encoding="utf-8"))})
    document.save(out)


if __name__ == "__main__":
    main()
