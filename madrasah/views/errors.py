from django.shortcuts import render

from ..errors import Refused


def permission_denied(request, exception=None):
    reason = exception.reason if isinstance(exception, Refused) else None
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
