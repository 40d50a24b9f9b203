from __future__ import annotations

from django.http import HttpRequest

from panah.rights.render import helpline_number


def helpline(request: HttpRequest) -> dict[str, str]:
    """The helpline number every page may print (public pages' footer, leaflets)."""
    return {"helpline_number": helpline_number()}
