"""Report documents: one renderer class per format, found through a registry (a new format is one class).

    render(report, "pdf") -> bytes
    render(report, "docx", data=frozen, template=uploaded_docx) -> bytes   (an issued report)

Every document (html, docx, pdf, xlsx) is built from the same `Document`: the official document's text
(`official.Official`: heading, number, title, parts I–V, recipients, signatures), the appendix tables and
the charts, so the formats cannot drift apart.
"""

from __future__ import annotations

from functools import cached_property

from .. import charts, tables
from ..official import Official, prepare


class Document:
    """One report as every format shows it. `data` is `official.prepare(report)` (frozen for an issued
    report); without it the document is prepared from the records now."""

    def __init__(self, report: dict | None = None, *, data: dict | None = None):
        self.data = data if data is not None else prepare(report)
        self.report = self.data["report"]
        self.official = Official(self.data)

    @cached_property
    def title(self) -> dict:
        block = tables.title_block(self.report)
        block["summary"] = self.official.summary
        return block

    @cached_property
    def opening(self) -> str:
        return self.official.opening

    @cached_property
    def paragraphs(self) -> list[tuple[str, str]]:
        return self.official.results

    @cached_property
    def tables(self) -> list[tables.Table]:
        """The appendix: figures by year, then units as rows, then targets by unit."""
        out = [tables.indicator_table(self.report, printed=True)]
        out += tables.unit_tables(self.report)
        if self.report.get("targets"):
            out.append(tables.targets_table(self.report))
        return out

    @cached_property
    def charts(self) -> list[tuple[str, bytes]]:
        return charts.titled_pngs(self.report)


class Renderer:
    identifier: str
    verbose_name: str
    content_type: str
    extension: str

    def render(self, doc: Document, *, template: bytes | None = None) -> bytes:
        raise NotImplementedError


RENDERERS: dict[str, type[Renderer]] = {}


def register(cls: type[Renderer]) -> type[Renderer]:
    RENDERERS[cls.identifier] = cls
    return cls


def available() -> dict[str, type[Renderer]]:
    from . import html, pdf, spreadsheet, word  # noqa: F401 - registering

    return RENDERERS


def renderer(identifier: str) -> Renderer:
    return available()[identifier]()


def render(
    report: dict | None, identifier: str, *, data: dict | None = None, template: bytes | None = None
) -> bytes:
    """The report in one format. `data`: prepared (or frozen) document data; `template`: a .docx
    template to use instead of the built-in one (docx only)."""
    return renderer(identifier).render(Document(report, data=data), template=template)


def filename(report: dict, extension: str) -> str:
    scope = "-".join(report["scope"])
    return (
        f"bao-cao-{report['program']}-{report['period']['from']}-{report['period']['to']}-{scope}.{extension}"
    )
