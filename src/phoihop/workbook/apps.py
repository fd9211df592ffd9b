from django.apps import AppConfig


class WorkbookConfig(AppConfig):
    name = "phoihop.workbook"
    label = "workbook"
