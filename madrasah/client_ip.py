from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for lockouts: REMOTE_ADDR, or behind N trusted reverse proxies the N-th
    address from the right of X-Forwarded-For (the left part can be forged by the client)."""
    count = settings.AXES_IPWARE_PROXY_COUNT
    if count:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
