from django.urls import path, register_converter

from panah.rights import views
from panah.rights.content import LANGUAGES


class LanguageConverter:
    regex = "|".join(LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ActionConverter:
    regex = "review|publish|withdraw"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "lang")
register_converter(ActionConverter, "review_action")

app_name = "rights"

urlpatterns = [
    path("", views.library_home, name="library_home"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/<int:pk>/<review_action:action>/", views.review_action, name="review_action"),
    path("<lang:language>/", views.library, name="library"),
    path("<lang:language>/<slug:slug>/", views.article, name="article"),
    path("<lang:language>/<slug:slug>/leaflet.pdf", views.leaflet, name="leaflet"),
]
