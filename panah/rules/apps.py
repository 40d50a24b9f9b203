from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "panah.rules"
    label = "rules"
