"""URLs of the benchmark server: all of `panah.urls`, then one empty view (benchmark only).

The empty view is the ceiling of `bench_webhooks.py`: the same server process, the same
middleware stack and the same request (a signed Twilio form POST), answered with 204 without
reading the body, touching the database or rendering anything. It is listed last, so Django's
resolver walks every Panah prefix before finding it, as it does for `channels/hook/…`.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from panah.urls import urlpatterns as panah_urlpatterns


@csrf_exempt
def empty(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(status=204)


urlpatterns = [*panah_urlpatterns, path("bench/empty/<str:slug>/", empty)]
