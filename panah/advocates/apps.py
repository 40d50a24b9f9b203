from django.apps import AppConfig


class AdvocatesConfig(AppConfig):
    name = "panah.advocates"
    label = "advocates"

    def ready(self) -> None:
        from panah.advocates import checks  # noqa: F401, PLC0415 (registers the system check)
