from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "phoihop.records"
    label = "records"
