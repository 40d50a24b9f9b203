from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "panah.api"
    label = "api"
