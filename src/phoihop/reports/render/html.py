import base64

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .. import tables
from . import Document, Renderer, register


def context(report: dict | None = None, *, doc: Document | None = None) -> dict:
    """What the HTML templates need; the staff report page reuses it for its preview."""
    doc = doc or Document(report)
    return {
        "doc": doc,
        "off": doc.official,
        "tables": [
            {
                "title": t.title,
                "header": t.header,
                "rows": [
                    {"kind": kind, "cells": [tables.cell_for(t, kind, i, v) for i, v in enumerate(row)]}
                    for row, kind in zip(t.rows, t.kinds, strict=True)
                ],
            }
            for t in doc.tables
        ],
        "charts": [(title, base64.b64encode(png).decode()) for title, png in doc.charts],
        # periods.md: which units' figures are not yet approved, and the reported indicators.
        "approval": doc.report.get("approval"),
        "reported": doc.report.get("reported"),
    }


@register
class HtmlRenderer(Renderer):
    identifier = "html"
    verbose_name = _("Trang web (HTML)")
    content_type = "text/html; charset=utf-8"
    extension = "html"

    def render(self, doc: Document, *, template: bytes | None = None) -> bytes:
        return render_to_string("reports/document.html", context(doc=doc)).encode()
