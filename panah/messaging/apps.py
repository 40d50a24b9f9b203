from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "panah.messaging"
    label = "messaging"
