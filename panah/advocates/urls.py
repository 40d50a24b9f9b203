from django.urls import path

from panah.advocates import views

app_name = "advocates"

urlpatterns = [
    path("", views.advocate_list, name="advocate_list"),
    path("new/", views.advocate_create, name="advocate_create"),
    path("<int:advocate_id>/", views.advocate_detail, name="advocate_detail"),
    path("<int:advocate_id>/edit/", views.advocate_edit, name="advocate_edit"),
    path("<int:advocate_id>/verify/", views.advocate_verify, name="advocate_verify"),
    path("<int:advocate_id>/reveal/", views.advocate_reveal, name="advocate_reveal"),
    path("panels/", views.panel_list, name="panel_list"),
    path("panels/new/", views.panel_create, name="panel_create"),
    path("panels/<int:panel_id>/edit/", views.panel_edit, name="panel_edit"),
    path("rota/", views.rota, name="rota"),
    path("rota/shifts/", views.shift_add, name="shift_add"),
    path("rota/shifts/<int:shift_id>/remove/", views.shift_remove, name="shift_remove"),
    path("rota/duty-phones/", views.duty_phone_set, name="duty_phone_set"),
    path("me/", views.me, name="me"),
    path("me/availability/", views.me_availability, name="me_availability"),
]
