from django.urls import path

from panah.duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.candidate_queue, name="candidate_queue"),
    path("<uuid:candidate_id>/", views.candidate_detail, name="candidate_detail"),
    path("<uuid:candidate_id>/merge/", views.candidate_merge, name="candidate_merge"),
    path("<uuid:candidate_id>/reject/", views.candidate_reject, name="candidate_reject"),
    path("merges/<uuid:merge_id>/", views.merge_detail, name="merge_detail"),
    path("merges/<uuid:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
