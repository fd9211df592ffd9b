from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "phoihop.accounts"
    label = "accounts"

    def ready(self):
        from .rules import dissolved_unit_rule
        from .scope import register_write_rule

        register_write_rule(dissolved_unit_rule)
