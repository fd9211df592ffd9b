from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "phoihop.periods"
    label = "periods"

    def ready(self):
        # The lock, the report's period figures and the workbook sheet, plugged into the apps below.
        from . import hooks

        hooks.connect()
