from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "panah.demo"
    label = "demo"
