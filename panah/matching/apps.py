from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "panah.matching"
    label = "matching"
    verbose_name = "Name matching and duplicate detection"
