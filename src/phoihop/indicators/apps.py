from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "phoihop.indicators"
    label = "indicators"
