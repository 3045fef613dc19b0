from django.db.models import Count, Exists, OuterRef, Q
from django.utils.functional import SimpleLazyObject

from .models import Role, User


def membership(request):
    """Navigation needs the current madrasah, the roles held there, the unread badge and whether the
    user supervises anyone (the badge and that flag cost one query, and only when the navbar shows)."""
    member = getattr(request, "membership", None)
    roles = member.role_set if member else set()
    nav = SimpleLazyObject(lambda: _nav_state(request, member))
    return {
        "membership": member,
        "current_madrasah": member.madrasah if member else None,
        "roles": roles,
        "Role": Role,
        "nav": nav,
        "unread_notifications": SimpleLazyObject(lambda: nav["unread"]),
    }


def _nav_state(request, member) -> dict:
    if member is None:
        return {"unread": 0, "supervises": False}
    # Programme rows belong to a later app: reach them through the relation, not an import.
    rows = User._meta.get_field("supervising_rows").related_model
    state = (
        User.objects.filter(pk=request.user.pk)
        .annotate(
            unread=Count(
                "notifications",
                filter=Q(notifications__madrasah=member.madrasah, notifications__read_at__isnull=True),
            ),
            supervises=Exists(rows.objects.filter(supervisor=OuterRef("pk"))),
        )
        .values("unread", "supervises")
        .first()
    )
    return state or {"unread": 0, "supervises": False}
