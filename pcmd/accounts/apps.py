from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pcmd.accounts"
    label = "accounts"
