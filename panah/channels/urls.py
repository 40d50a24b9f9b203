from django.urls import path

from panah.channels import views

app_name = "channels"

# Providers call these. The slug is random and routes to one channel; it names no
# organisation and no number.
urlpatterns = [
    path("hook/<str:slug>/", views.webhook, name="webhook"),
    path("hook/<str:slug>/status/", views.status, name="status"),
]
