#!/usr/bin/python3
"""Reads a pinggu DOCX back with python-docx (an independent reader) and
prints what the tests check: the page setup, the headings, the tables with
their repeated header rows and merged cells, the footers."""
import json
import sys

import docx
from docx.oxml.ns import qn

d = docx.Document(sys.argv[1])
s = d.sections[0]
out = {
    "page_mm": [round(s.page_width.mm), round(s.page_height.mm)],
    "margins_mm": [round(s.top_margin.mm), round(s.bottom_margin.mm), round(s.left_margin.mm), round(s.right_margin.mm)],
    "odd_even_footers": d.settings.odd_and_even_pages_header_footer,
    "footer_odd": "".join(p._p.xml for p in s.footer.paragraphs).count("PAGE") > 0,
    "footer_even": "".join(p._p.xml for p in s.even_page_footer.paragraphs).count("PAGE") > 0,
    "paragraphs": [p.text for p in d.paragraphs],
    "tables": [],
    "fonts": sorted({r._r.rPr.rFonts.get(qn("w:eastAsia")) for p in d.paragraphs for r in p.runs if r._r.rPr is not None and r._r.rPr.rFonts is not None}),
}
for t in d.tables:
    header = t.rows[0]._tr.trPr
    repeat = header is not None and header.find(qn("w:tblHeader")) is not None
    xml = t._tbl.xml
    out["tables"].append({
        "rows": len(t.rows),
        "cols": len(t.columns),
        "repeat_header": repeat,
        "grid_span": xml.count("w:gridSpan"),
        "v_merge": xml.count("w:vMerge"),
        "first_row": [c.text for c in t.rows[0].cells],
    })
print(json.dumps(out, ensure_ascii=False))
