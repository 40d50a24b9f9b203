from django.urls import path

from panah.places import views

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="place_list"),
    path("export.csv", views.place_export, {"file_format": "csv"}, name="place_export_csv"),
    path(
        "export.geojson",
        views.place_export,
        {"file_format": "geojson"},
        name="place_export_geojson",
    ),
    path("import/", views.place_import, name="place_import"),
    path("import/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("import/<uuid:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
]
