from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "panah.selfservice"
    label = "selfservice"
    verbose_name = "Self-service line"
