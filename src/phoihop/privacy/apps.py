from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "phoihop.privacy"
    label = "privacy"
