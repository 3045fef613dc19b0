from django.utils.functional import SimpleLazyObject

from .models import Role
from .notifications import unread_count


def membership(request):
    """Navigation needs the current madrasah and the roles held there."""
    member = getattr(request, "membership", None)
    roles = member.role_set if member else set()
    return {
        "membership": member,
        "current_madrasah": member.madrasah if member else None,
        "roles": roles,
        "Role": Role,
        # Lazy: one COUNT query, and only on pages whose navbar shows the badge.
        "unread_notifications": SimpleLazyObject(lambda: _unread(request, member)),
    }


def _unread(request, member) -> int:
    return unread_count(user=request.user, madrasah=member.madrasah) if member else 0
