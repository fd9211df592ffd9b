from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "phoihop.portal"
    label = "portal"
