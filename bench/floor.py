"""The floor of this stack: python-docx writing the same paragraphs as the sample
report, with no validation, templating or layout.  Run by bench/run.py."""

import json
import sys

import docx

paragraphs = json.loads(open(sys.argv[1], encoding="utf-8").read())
document = docx.Document()
for text in paragraphs:
    document.add_paragraph(text)
document.save(sys.argv[2])
