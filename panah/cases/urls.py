from django.urls import path

from panah.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_queue, name="case_queue"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/assign/", views.case_assign, name="case_assign"),
    path("<str:reference>/transition/", views.case_transition, name="case_transition"),
    path("<str:reference>/note/", views.case_note, name="case_note"),
    path("<str:reference>/production/", views.case_production, name="case_production"),
    path("<str:reference>/deadline/", views.case_deadline, name="case_deadline"),
]
