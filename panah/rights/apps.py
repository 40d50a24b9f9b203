from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "panah.rights"
    label = "rights"
