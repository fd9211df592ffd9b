from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "phoihop.reports"
    label = "reports"

    def ready(self):
        # The printed records list (records.listing calls it; records sits below reports).
        from . import roster  # noqa: F401
