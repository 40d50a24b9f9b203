from django.apps import AppConfig


class AdvocatesConfig(AppConfig):
    name = "panah.advocates"
    label = "advocates"
