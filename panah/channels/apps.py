from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "panah.channels"
    label = "channels"
