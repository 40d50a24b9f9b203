from django.urls import path

from panah.advocates import sheets_views

app_name = "sheets"

urlpatterns = [
    path("", sheets_views.sheet_list, name="sheet_list"),
    path("place/<uuid:place_id>.pdf", sheets_views.sheet_pdf, name="sheet_pdf"),
    path("district/<int:district_id>.zip", sheets_views.district_zip, name="district_zip"),
]
