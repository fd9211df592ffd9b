"""The workbook's public entry points: import (validate everything, then write all or nothing) and export."""

from pathlib import Path

from django.db import transaction

from phoihop.audit.models import AuditEntry

from .problems import ImportResult, Problem
from .reader import SourceError, read_source
from .validate import Validator
from .write import Writer


def _indicator_codes() -> set[str] | None:
    try:
        from phoihop.indicators.registry import REGISTRY
    except ImportError:
        return None
    return set(REGISTRY)


def import_workbook(source, *, actor=None, scope=None, lang: str = "vi", progress=None) -> ImportResult:
    """Read the workbook, report every error at once, and write nothing unless it is entirely valid.

    source: a path to an .xlsx file, a .csv file or a folder of .csv files, or an uploaded file object.
    scope: the importing user's Scope (None = system import, everything). progress(stage, done, total).
    """
    result = ImportResult()
    try:
        raw = read_source(source)
    except SourceError as bad:
        result.errors.append(
            Problem(str(getattr(source, "name", source)), None, None, None, bad.message_vi, bad.message_en)
        )
        return result
    validator = Validator(scope=scope, indicator_codes=_indicator_codes())
    validator.parse(raw, progress)
    if any(p.row is not None or p.column for p in validator.errors) or not validator.errors:
        # Cell errors leave the row's other values usable: check references and rules too, so the user
        # gets every error of the workbook in one go. Unknown sheets alone also let the rest be checked.
        validator.check()
    result.errors, result.warnings = validator.errors, validator.warnings
    if result.errors:
        return result
    writer = Writer(validator.rows, progress)
    with transaction.atomic():
        writer.run()
        who = {
            "actor": actor if getattr(actor, "is_authenticated", False) else None,
            "actor_name": actor.get_username() if getattr(actor, "is_authenticated", False) else "system",
        }
        for entry in writer.audit:
            entry.actor, entry.actor_name = who["actor"], who["actor_name"]
        AuditEntry.objects.bulk_create(writer.audit, batch_size=2000)
        AuditEntry.objects.create(
            **who,
            action="import",
            model="workbook",
            object_code=_source_name(source),
            after=writer.summary,
            detail=f"{len(result.warnings)} cảnh báo",
        )
    result.ok, result.summary = True, writer.summary
    return result


def _source_name(source) -> str:
    name = getattr(source, "name", None) or str(source)
    return Path(name).name[:200]


def export_workbook(path, *, scope=None, template: bool = False) -> Path:
    """Write the workbook (scoped when a Scope is given) or the blank template. `.xlsx` → one file;
    any other path → a folder of .csv files."""
    from .export import write_csv_folder, write_xlsx

    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, scope=scope, template=template)
    elif template:
        raise ValueError("Mẫu trống chỉ có dạng .xlsx")
    else:
        write_csv_folder(path, scope=scope)
    return path
