from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "phoihop.jobs"
    verbose_name = "Công việc nền"

    def ready(self) -> None:
        from . import dataversion

        dataversion.connect()
