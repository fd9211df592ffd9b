"""What the period reports plug into the layers below them when Django starts (periods/apps.py calls
`connect()`): the period lock into the write gate, the approvals and reported figures into every
report, the sheet `so_lieu_bao_cao` into the workbook. Those apps never import periods."""

from phoihop.accounts.scope import register_write_rule
from phoihop.reports.assemble import register_extension
from phoihop.workbook.sheets import register_sheet

from .lock import write_rule
from .reporting import apply_periods
from .sheets import REPORTED_VALUES


def connect() -> None:
    register_write_rule(write_rule)  # a write dated in a submitted or approved period is refused
    register_extension(apply_periods)  # every report carries the approvals and the reported figures
    register_sheet(REPORTED_VALUES)  # the workbook's sheet of reported values, with its checks
