from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "panah.helpline"
    label = "helpline"
    default_auto_field = "django.db.models.BigAutoField"
