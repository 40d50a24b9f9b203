from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "panah.duplicates"
    label = "duplicates"
