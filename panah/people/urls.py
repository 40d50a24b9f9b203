from django.urls import path

from panah.people import views

app_name = "people"

urlpatterns = [
    path("search/", views.person_search, name="person_search"),
    path("pick/none/", views.person_unpick, name="person_unpick"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/pick/", views.person_pick, name="person_pick"),
    path("<uuid:person_id>/reveal/", views.person_reveal, name="person_reveal"),
]
