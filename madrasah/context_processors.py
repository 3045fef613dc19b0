from .models import Role


def membership(request):
    """Navigation needs the current madrasah and the roles held there."""
    member = getattr(request, "membership", None)
    roles = member.role_set if member else set()
    return {
        "membership": member,
        "current_madrasah": member.madrasah if member else None,
        "roles": roles,
        "Role": Role,
    }
