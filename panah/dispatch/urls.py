from django.urls import path

from panah.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("start/<str:reference>/", views.dispatch_start, name="start"),
    path("o/<str:token>/", views.offer_link, name="offer_link"),
    path("metrics/", views.metrics, name="metrics"),
]
