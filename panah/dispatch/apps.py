from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "panah.dispatch"
    label = "dispatch"
