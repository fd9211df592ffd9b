"""The workbook's public entry points: import (validate everything, then write all or nothing) and export."""

from pathlib import Path

from django.db import DatabaseError, transaction

from phoihop.accounts.scope import scope_for
from phoihop.audit.models import AuditEntry
from phoihop.indicators.registry import REGISTRY
from phoihop.jobs.dataversion import bump as bump_data_version

from .gating import RowGate
from .problems import ImportResult, Problem
from .reader import SourceError, read_source
from .rowstore import without
from .sheets import BY_KEY
from .validate import Validator
from .write import Writer


def _indicator_codes() -> set[str] | None:
    return set(REGISTRY)


def import_workbook(source, *, actor=None, scope=None, lang: str = "vi", progress=None) -> ImportResult:
    """Read the workbook, report every error at once, and write nothing unless it is entirely valid.

    source: a path to an .xlsx file, a .csv file or a folder of .csv files, or an uploaded file object.
    scope: the importing user's Scope (None = system import, everything). progress(stage, done, total).
    """
    result = ImportResult()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if scope is None and user is not None:
        scope = scope_for(user)  # a user's import is always within their scope
    validator = Validator(scope=scope, indicator_codes=_indicator_codes())
    try:
        # A large CSV file's rows are read as they are parsed, a large .xlsx file's sheets one at a time:
        # a sheet that cannot be read is found while parsing.
        validator.parse(read_source(source, stream=True), progress)
    except SourceError as bad:
        where = bad.sheet or str(getattr(source, "name", source))
        result.errors = [Problem(where, None, None, None, bad.message_vi, bad.message_en)]
        return result
    if any(p.row is not None or p.column for p in validator.errors) or not validator.errors:
        # Cell errors leave the row's other values usable: check references and rules too, so the user
        # gets every error of the workbook in one go. Unknown sheets alone also let the rest be checked.
        validator.check()
    result.errors, result.warnings = validator.errors, validator.warnings
    # A user's import passes every row through the write gate; `phoihop import` (no user) is the system.
    gated = user is not None or (scope is not None and not scope.everything)
    if result.errors:
        if gated and validator.rows:
            result.errors = result.errors + _refusals_of_valid_rows(validator, user, scope)
        return result
    gate = RowGate(user, scope=scope, bulk=_large(validator)) if gated else None
    who = _who(actor)
    # The writer lets each sheet's rows go once written: nothing else holds them from here on.
    rows, validator.rows = validator.rows, {}
    writer = Writer(
        rows, progress, gate=gate, audit_sink=lambda entries: _save_audit(entries, who), release=True
    )
    try:
        with transaction.atomic():
            _write(writer, who, source, result)
    except _Refused:
        result.errors = gate.errors
        return result
    result.ok, result.summary = True, writer.summary
    bump_data_version()  # rows went in by executemany, which sends no signals: retire cached reports
    return result


# Up to this many rows, the write gate asks the database one small question per row instead of loading
# every id the importer's scope sees (a province: a million people) — a small workbook reads little.
GATE_IN_BULK_FROM = 1000


def _large(validator: Validator) -> bool:
    return sum(len(rows) for rows in validator.rows.values()) >= GATE_IN_BULK_FROM


class _Refused(Exception):
    """Some rows were refused by the write gate: the transaction is rolled back."""


def _refusals_of_valid_rows(validator: Validator, user, scope) -> list[Problem]:
    """So that the user gets every error at once: the rows without errors are written in a transaction
    that is always rolled back, through the write gate, and its refusals returned. Best effort — rows
    that lean on a rejected row may fail in the database, and then only the cell errors are shown."""
    bad: dict[str, set[int]] = {}
    for p in validator.errors:
        bad.setdefault(p.sheet, set()).add(p.row)
    rows = {
        key: without(sheet_rows, bad.get(BY_KEY[key].label, set()))
        for key, sheet_rows in validator.rows.items()
    }
    gate = RowGate(user, scope=scope, bulk=_large(validator))
    try:
        with transaction.atomic():
            Writer(rows, gate=gate, audit_sink=lambda entries: None).run()  # rolled back anyway
            raise _Refused
    except _Refused:
        return gate.errors
    except DatabaseError:
        return []


def _who(actor) -> dict:
    return {
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "actor_name": actor.get_username() if getattr(actor, "is_authenticated", False) else "system",
    }


def _save_audit(entries: list[AuditEntry], who: dict) -> None:
    """The audit rows of one written batch (the writer hands them over batch by batch)."""
    for entry in entries:
        entry.actor, entry.actor_name = who["actor"], who["actor_name"]
    AuditEntry.objects.bulk_create(entries, batch_size=2000)


def _write(writer: Writer, who: dict, source, result: ImportResult) -> None:
    writer.run()
    if writer.gate is not None and writer.gate.errors:
        raise _Refused
    AuditEntry.objects.create(
        **who,
        action="import",
        model="workbook",
        object_code=_source_name(source),
        after=writer.summary,
        detail=f"{len(result.warnings)} cảnh báo",
    )


def _source_name(source) -> str:
    name = getattr(source, "name", None) or str(source)
    return Path(name).name[:200]


def export_workbook(path, *, scope=None, template: bool = False, counts: dict | None = None) -> Path:
    """Write the workbook (scoped when a Scope is given) or the blank template. `.xlsx` → one file;
    any other path → a folder of .csv files. `counts`, when given, receives the rows of each sheet."""
    from .export import write_csv_folder, write_xlsx

    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        written = write_xlsx(path, scope=scope, template=template)
    elif template:
        raise ValueError("Mẫu trống chỉ có dạng .xlsx")
    else:
        written = write_csv_folder(path, scope=scope)
    if counts is not None:
        counts.update(written)
    return path


def log_export(
    *, actor, scope_code: str, counts: dict[str, int], ip_address: str | None = None
) -> AuditEntry:
    """One audit row per export: who, which scope, which sheets with how many rows (not one per person)."""
    sheets = {key: n for key, n in counts.items() if n}
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor.get_username() if getattr(actor, "is_authenticated", False) else "system",
        action=AuditEntry.Action.EXPORT,
        model="workbook",
        object_code=scope_code,
        after={"scope": scope_code, "sheets": sheets, "rows": sum(sheets.values())},
        detail=f"xuất sổ dữ liệu phạm vi {scope_code}: {sum(sheets.values())} dòng",
        ip_address=ip_address,
    )
