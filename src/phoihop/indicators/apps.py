from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "phoihop.indicators"
    label = "indicators"

    def ready(self):
        from . import definitions  # noqa: F401 - registers every indicator
