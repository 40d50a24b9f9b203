from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from panah.api.urls import api
from panah.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("panah.accounts.urls")),
    path("helpline/", include("panah.helpline.urls")),
    path("people/", include("panah.people.urls")),
    path("cases/", include("panah.cases.urls")),
    path("places/", include("panah.places.urls")),
    path("advocates/", include("panah.advocates.urls")),
    path("audit/", include("panah.audit.urls")),
    path("rights/", include("panah.rights.urls")),
    path("sheets/", include("panah.advocates.sheets_urls")),
    path("dispatch/", include("panah.dispatch.urls")),
    path("duplicates/", include("panah.duplicates.urls")),
    path("channels/", include("panah.channels.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
]
