from django.urls import path

from panah.helpline import views

app_name = "helpline"

urlpatterns = [
    path("", views.console, name="console"),
    path("contacts/", views.contact_list, name="contact_list"),
]
