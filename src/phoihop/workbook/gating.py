"""The write gate (accounts.scope.WriteGate) applied to import rows, with the importer's own messages.

A row may create or change a record only when the importer may write that record as it is now and as
it would be. A row that changes nothing is accepted as unchanged, whoever may write it (a user's own
export imported back). A row whose key names a record the importer may not see is refused whatever it
holds; a row that would newly name a person, class, enterprise or unit outside the scope is refused with
exactly the words a code that does not exist gets (workbook.validate), so no code's existence leaks.

One exception, for a clerk's sake (issue 14 item 2): a unit the importer may see but not change — one
above their own units (their unit pages show it) or one named by a record their own export holds — is
named by its name and code ("Liên đoàn Lao động tỉnh Lào Cai (LDLD-LC) — …"): they already see that
code, so naming it tells them nothing new. Any other unit still gets the words of a missing code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from phoihop.accounts.scope import WRITE_PERMISSION, Refusal, WriteGate
from phoihop.orgs.models import Unit, UnitClosure

from .export import scoped_queryset
from .problems import Problem, in_language
from .sheets import SHEETS, Sheet

# Messages are Vietnamese gettext msgids; Problem.of renders them in Vietnamese and English.
NAMES = {
    "don_vi": gettext_lazy("đơn vị"),
    "doanh_nghiep": gettext_lazy("doanh nghiệp"),
    "nguoi": gettext_lazy("người"),
    "lop_boi_duong": gettext_lazy("lớp"),
}
PERMISSIONS = {
    "manage_units": gettext_lazy("quản lý đơn vị (vai trò quản lý hoặc quản trị)"),
    "set_targets": gettext_lazy("giao chỉ tiêu (vai trò quản lý hoặc quản trị)"),
    "write": gettext_lazy("cập nhật dữ liệu"),
}


def not_found(ref: str) -> tuple[str, str]:
    """The words for a code that names nothing — the same in workbook.validate and here: (vi, en)."""
    msgid = gettext_noop("không có %(what)s mã này trong sổ hoặc trong cơ sở dữ liệu")
    params = {"what": NAMES[ref]}
    return in_language(msgid, params, "vi"), in_language(msgid, params, "en")


SEEN_UNIT = gettext_noop("%(name)s (%(code)s) — đơn vị này nằm ngoài phạm vi bạn được cập nhật")


def seen_unit(scope, code: str) -> Unit | None:
    """The unit of this code when the scope may see it though not change it: a unit above one of the
    scope's units, or one that a record of the scope's own export names (workbook.export holds the same
    querysets). None for any other code — which is then reported exactly as a missing one (issue 11)."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or scope is None:
        return None
    if scope.everything or UnitClosure.objects.filter(ancestor=unit, descendant__in=scope.unit_ids).exists():
        return unit
    for sheet in SHEETS:
        for column in sheet.columns:
            if column.ref == "don_vi" and column.key != "tac_gia":
                if scoped_queryset(sheet, scope).filter(**{column.field: unit}).exists():
                    return unit
    return None


class RowGate:
    def __init__(self, user, *, scope=None, bulk: bool = True):
        # bulk: the scope's visible ids loaded once (a large workbook); else one small query per question.
        self.gate = WriteGate(user, bulk=bulk, scope=scope)
        self.errors: list[Problem] = []
        self._role_refused: set[str] = set()
        self._seen: dict[str, Unit | None] = {}  # unit code → the unit, when seen though not writable

    def sees(self, model, pk) -> bool:
        return self.gate.sees(model, pk)

    def note_created(self, model, pk: int) -> None:
        self.gate.note_created(model, pk)

    def hidden(self, sheet: Sheet, row) -> None:
        """The row's key names a record outside the scope: refused whatever the row holds."""
        self._outside(sheet, row)

    def allows(self, sheet: Sheet, row, model, *, before, after) -> bool:
        refusal = self.gate.refusal(model, before=before, after=after)
        if refusal is None:
            return True
        self._report(sheet, row, refusal)
        return False

    def refuse_reference(self, sheet: Sheet, row, column_key: str, code: str) -> None:
        column = sheet.column(column_key)
        unit = self._seen_unit(code) if column.ref == "don_vi" else None
        if unit is not None:
            self.errors.append(self._unit_problem(sheet, row, column, unit))
            return
        vi, en = not_found(column.ref)
        self.errors.append(Problem(sheet.label, row.no, column.label, code, vi, en))

    def _seen_unit(self, code) -> Unit | None:
        if not isinstance(code, str) or not code:
            return None
        if code not in self._seen:
            self._seen[code] = seen_unit(self.gate.scope, code)
        return self._seen[code]

    @staticmethod
    def _unit_problem(sheet: Sheet, row, column, unit: Unit) -> Problem:
        return Problem.of(
            sheet.label, row.no, column.label, unit.code, SEEN_UNIT, name=unit.name, code=unit.code
        )

    # ---- messages ------------------------------------------------------------------------------------
    def _report(self, sheet: Sheet, row, refusal: Refusal) -> None:
        if refusal.reason == "role":
            if sheet.key in self._role_refused:
                return
            self._role_refused.add(sheet.key)
            need = WRITE_PERMISSION.get(sheet.model._meta.label, "write")
            self.errors.append(
                Problem.of(
                    sheet.label,
                    None,
                    None,
                    None,
                    gettext_noop("vai trò của bạn không được nhập trang này: cần quyền %(right)s"),
                    right=PERMISSIONS.get(need, need),
                )
            )
            return
        column = next((c for c in sheet.columns if refusal.field and c.field == refusal.field), None)
        if refusal.reason == "not_found" and column is not None and column.ref:
            self.refuse_reference(sheet, row, column.key, row.values.get(column.key))
            return
        if refusal.reason == "not_found" and sheet.key == "don_vi" and column is not None:
            # The row names an existing unit the importer may not change (its own code).
            unit = self._seen_unit(row.values.get(column.key))
            if unit is not None:
                self.errors.append(self._unit_problem(sheet, row, column, unit))
                return
        if refusal.reason in ("hidden", "not_yours") or (refusal.reason == "not_found" and column is None):
            self._outside(sheet, row)
            return
        if refusal.reason == "no_unit":
            self.errors.append(
                Problem.of(
                    sheet.label,
                    row.no,
                    column.label if column else None,
                    None,
                    gettext_noop("dòng không gắn với đơn vị nào trong phạm vi của bạn"),
                )
            )
            return
        self.errors.append(
            Problem(
                sheet.label,
                row.no,
                column.label if column else None,
                row.values.get(column.key) if column else None,
                refusal.message,
                refusal.message,
            )
        )

    def _outside(self, sheet: Sheet, row) -> None:
        first = sheet.column(sheet.key_columns[0])
        key = " / ".join(str(row.values.get(k)) for k in sheet.key_columns)
        self.errors.append(
            Problem.of(
                sheet.label,
                row.no,
                first.label,
                key,
                gettext_noop(
                    "bản ghi có khóa này thuộc đơn vị ngoài phạm vi của bạn: bạn không được tạo hay sửa nó"
                ),
            )
        )
