from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "phoihop.periods"
    label = "periods"

    def ready(self):
        from phoihop.accounts import scope

        from .lock import write_rule

        # The write gate of accounts/scope.py asks every registered rule; until it exists the lock is
        # checked by records' services and the workbook import directly (see lock.py).
        register = getattr(scope, "register_write_rule", None)
        if register is not None:
            register(write_rule)

        # Every report carries the period approvals and the reported figures (periods builds on reports).
        from phoihop.reports.assemble import register_extension

        from .reporting import apply_periods

        register_extension(apply_periods)

        # The workbook's sheet of reported values is declared here, with its model and checks.
        from phoihop.workbook.sheets import register_sheet

        from .sheets import REPORTED_VALUES

        register_sheet(REPORTED_VALUES)
