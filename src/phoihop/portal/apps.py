from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "phoihop.portal"
    label = "portal"

    def ready(self):
        # The last page views buffered in memory are written when the process exits.
        from .counting import install_exit_hooks

        install_exit_hooks()
        # An issued report is published as a draft article written here (reports sit below the portal).
        from . import hooks

        hooks.connect()
