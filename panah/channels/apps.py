from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "panah.channels"
    label = "channels"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from panah.channels import selectors
        from panah.channels.models import Channel

        def forget(**kwargs: object) -> None:
            # Now for this thread, and again at commit: another thread may have read the old
            # row in between.
            selectors.forget_webhook_channels()
            transaction.on_commit(selectors.forget_webhook_channels)

        # weak=False: `forget` is a local function, which a weak reference would lose at once.
        post_save.connect(
            forget, sender=Channel, weak=False, dispatch_uid="channels.forget_webhook"
        )
        post_delete.connect(
            forget, sender=Channel, weak=False, dispatch_uid="channels.forget_webhook_deleted"
        )
