from django.urls import path

from panah.channels import views, views_inbox, views_voice

app_name = "channels"

# Providers call these. The slug is random and routes to one channel; it names no
# organisation and no number.
urlpatterns = [
    path("hook/<str:slug>/", views.webhook, name="webhook"),
    path("hook/<str:slug>/status/", views.status, name="status"),
]

# The operators' shared inbox (docs/channels.md).
urlpatterns += [
    path("inbox/", views_inbox.inbox, name="inbox"),
    path("inbox/rows/", views_inbox.inbox_rows, name="inbox_rows"),
    path(
        "inbox/<uuid:conversation_id>/", views_inbox.conversation_detail, name="conversation_detail"
    ),
    path(
        "inbox/<uuid:conversation_id>/thread/",
        views_inbox.conversation_thread,
        name="conversation_thread",
    ),
    path(
        "inbox/<uuid:conversation_id>/claim/",
        views_inbox.conversation_claim,
        name="conversation_claim",
    ),
    path(
        "inbox/<uuid:conversation_id>/reply/",
        views_inbox.conversation_reply,
        name="conversation_reply",
    ),
    path(
        "inbox/<uuid:conversation_id>/close/",
        views_inbox.conversation_close,
        name="conversation_close",
    ),
    path(
        "inbox/<uuid:conversation_id>/number/",
        views_inbox.conversation_number,
        name="conversation_number",
    ),
]

# The voice menu's steps (Twilio calls them, signed) and the operators' call-back queue.
urlpatterns += [
    path("voice/<str:slug>/gather/<int:step>/", views_voice.voice_gather, name="voice_gather"),
    path("voice/<str:slug>/name/<int:step>/", views_voice.voice_name, name="voice_name"),
    path(
        "voice/<str:slug>/voicemail/<int:step>/",
        views_voice.voice_voicemail,
        name="voice_voicemail",
    ),
    path("voice/<str:slug>/status/", views_voice.voice_status, name="voice_status"),
    path("callbacks/", views_voice.callback_list, name="callback_list"),
    path("callbacks/<uuid:callback_id>/", views_voice.callback_detail, name="callback_detail"),
    path("callbacks/<uuid:callback_id>/claim/", views_voice.callback_claim, name="callback_claim"),
    path(
        "callbacks/<uuid:callback_id>/outcome/",
        views_voice.callback_outcome,
        name="callback_outcome",
    ),
]
