"""Report documents: one renderer class per format, found through a registry (a new format is one class).

    render(report, "pdf") -> bytes

Every text document (html, docx, pdf) is built from the same `Document`: the title block, the opening,
the narrative paragraphs, the tables and the charts, so the formats cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .. import tables
from ..narrative import narrative_paragraphs, opening


@dataclass
class Document:
    report: dict

    @cached_property
    def title(self) -> dict:
        return tables.title_block(self.report)

    @cached_property
    def opening(self) -> str:
        return opening(self.report)

    @cached_property
    def paragraphs(self) -> list[tuple[str, str]]:
        return narrative_paragraphs(self.report)

    @cached_property
    def tables(self) -> list[tables.Table]:
        out = [tables.indicator_table(self.report, printed=True)]
        if self.report.get("targets"):
            out.append(tables.targets_table(self.report))
        return out

    @cached_property
    def charts(self) -> list[tuple[str, bytes]]:
        from ..charts import TITLES, chart_pngs

        return [(TITLES[name], png) for name, png in chart_pngs(self.report).items()]


class Renderer:
    identifier: str
    verbose_name: str
    content_type: str
    extension: str

    def render(self, report: dict) -> bytes:
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


def render(report: dict, identifier: str) -> bytes:
    return renderer(identifier).render(report)


def filename(report: dict, extension: str) -> str:
    scope = "-".join(report["scope"])
    return (
        f"bao-cao-{report['program']}-{report['period']['from']}-{report['period']['to']}-{scope}.{extension}"
    )
