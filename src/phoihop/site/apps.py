from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "phoihop.site"
    label = "site"
