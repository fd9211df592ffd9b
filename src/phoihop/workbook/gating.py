"""The write gate (accounts.scope.WriteGate) applied to import rows, with the importer's own messages.

A row may create or change a record only when the importer may write that record as it is now and as
it would be. A row that changes nothing is accepted as unchanged, whoever may write it (a user's own
export imported back). A row whose key names a record the importer may not see is refused whatever it
holds; a row that would newly name a person, class, enterprise or unit outside the scope is refused with
exactly the words a code that does not exist gets (workbook.validate), so no code's existence leaks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop

from phoihop.accounts.scope import Refusal, WriteGate

from .problems import Problem, in_language
from .sheets import Sheet

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


class RowGate:
    def __init__(self, user, *, scope=None):
        self.gate = WriteGate(user, bulk=True, scope=scope)
        self.errors: list[Problem] = []
        self._role_refused: set[str] = set()

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
        vi, en = not_found(column.ref)
        self.errors.append(Problem(sheet.label, row.no, column.label, code, vi, en))

    # ---- messages ------------------------------------------------------------------------------------
    def _report(self, sheet: Sheet, row, refusal: Refusal) -> None:
        if refusal.reason == "role":
            if sheet.key in self._role_refused:
                return
            self._role_refused.add(sheet.key)
            from phoihop.accounts.scope import WRITE_PERMISSION

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
