from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "panah.core"
    label = "core"

    def ready(self) -> None:
        from panah.core import checks  # noqa: F401  (registers system checks)
