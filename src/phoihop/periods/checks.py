"""Checks run at submission: the program's validation rules and the flag on values far outside the
unit's earlier periods."""

from __future__ import annotations

import operator
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from phoihop.core import numbers

OPERATORS = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}
TERM_RE = re.compile(r"\s*([+-]?)\s*([A-Za-z_][\w.]*|\d+(?:[.,]\d+)?)\s*")
# A value is flagged when it is more than FAR times the mean of the unit's earlier periods, or less than
# the mean divided by FAR, with at least MIN_HISTORY earlier periods to compare with.
FAR = 3
MIN_HISTORY = 2
SMALL = 10  # below this on both sides (a handful of works, say) a jump is no sign of an error


class ExpressionError(ValueError):
    pass


def terms(expression: str) -> list[tuple[int, str]]:
    """`a + b - 3` → [(1, "a"), (1, "b"), (-1, "3")]. Raises ExpressionError."""
    out, pos, text = [], 0, expression.strip()
    if not text:
        raise ExpressionError(_("biểu thức trống"))
    while pos < len(text):
        match = TERM_RE.match(text, pos)
        if not match or match.end() == pos or (out and not match.group(1)):
            raise ExpressionError(_("không hiểu biểu thức '%(text)s'") % {"text": expression})
        out.append((-1 if match.group(1) == "-" else 1, match.group(2)))
        pos = match.end()
    return out


def codes_in(expression: str) -> list[str]:
    return [t for _, t in terms(expression) if not t[0].isdigit()]


def evaluate(expression: str, values: dict) -> float | None:
    total = 0.0
    for sign, term in terms(expression):
        if term[0].isdigit():
            total += sign * float(term.replace(",", "."))
            continue
        value = values.get(term)
        if value is None:
            return None
        total += sign * float(value)
    return total


def run_rules(rules, values: dict) -> list[dict]:
    """The rules that fail, as the API's `checks` entries."""
    out = []
    for rule in rules:
        left, right = evaluate(rule.left, values), evaluate(rule.right, values)
        if left is None or right is None:
            continue  # an indicator the unit has no figure for: nothing to compare
        if not OPERATORS[rule.operator](left, right):
            out.append(
                {
                    "rule": f"{rule.left} {rule.operator} {rule.right}",
                    "level": rule.level,
                    "message": f"{rule.message} ({_fmt(left)} {rule.operator} {_fmt(right)} không đúng)",
                }
            )
    return out


def outliers(values: dict, earlier: list[dict], labels: dict | None = None) -> list[dict]:
    """Warnings for values far outside the unit's earlier periods."""
    labels = labels or {}
    out = []
    for code, value in sorted(values.items()):
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        past = [v[code] for v in earlier if isinstance(v.get(code), int | float)]
        if len(past) < MIN_HISTORY:
            continue
        mean = sum(past) / len(past)
        if max(value, mean) < SMALL:
            continue
        if mean > 0 and (value > FAR * mean or value < mean / FAR):
            out.append(
                {
                    "rule": f"outlier:{code}",
                    "level": "warning",
                    "message": _("%(label)s = %(value)s, khác xa trung bình các kỳ trước (%(mean)s)")
                    % {"label": labels.get(code, code), "value": _fmt(value), "mean": _fmt(mean)},
                }
            )
    return out


def parse_reported(raw: dict, known: dict) -> tuple[dict, dict]:
    """(values, errors by field) for the reported indicators a unit entered."""
    values, errors = {}, {}
    for code, value in (raw or {}).items():
        field = f"reported.{code}" if not code.startswith("reported.") else code
        if field not in known:
            errors[field] = _("'%(code)s' không phải chỉ tiêu báo cáo của chương trình.") % {"code": code}
            continue
        if value is None or value == "":
            continue
        try:
            number = (
                Decimal(str(value).strip().replace(".", "").replace(",", "."))
                if isinstance(value, str)
                else Decimal(str(value))
            )
        except InvalidOperation:
            errors[field] = _("%(label)s: '%(value)s' không phải là số.") % {
                "label": known[field],
                "value": value,
            }
            continue
        if isinstance(value, bool) or not number.is_finite():
            errors[field] = _("%(label)s: '%(value)s' không phải là số.") % {
                "label": known[field],
                "value": value,
            }
        elif number < 0:
            errors[field] = _("%(label)s: giá trị không được âm (%(value)s).") % {
                "label": known[field],
                "value": value,
            }
        else:
            values[field] = int(number) if number == number.to_integral_value() else float(number)
    return values, errors


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return numbers.number(value, decimals=1 if isinstance(value, float) else None)
