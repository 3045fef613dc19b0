"""Access in one place.

The rule for every view of the product:
- not logged in → the login page;
- another madrasah's object, or another teacher's private object → 404 (its existence is not
  revealed);
- an object of your madrasah that your role may not act on → 403.

Views never query a tenant model directly: they call `membership_required` and one
`<entity>_for_user` helper per object type, which applies the madrasah scope and the role rules.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .models import Membership, RamadanPeriod, Role, Semester, Staff, Subject, TeacherCode

# Who may read a staff record of their madrasah (besides the person themself), and who may change it.
STAFF_READERS = (Role.KEPALA, Role.WAKA, Role.OPERATOR, Role.PENGAWAS)
STAFF_WRITERS = (Role.KEPALA, Role.OPERATOR)
# Accounts, passwords and lockouts: the operator's work; the Kepala may step in.
ACCOUNT_MANAGERS = (Role.OPERATOR, Role.KEPALA)
PERIOD_MANAGERS = (Role.OPERATOR, Role.KEPALA)
# The madrasah's own local subjects (muatan lokal).
SUBJECT_MANAGERS = (Role.OPERATOR, Role.KEPALA)
# The school week, bell times, classes and the teaching timetable: the operator keeps them (the Kepala
# may step in); the Waka reads them to plan supervision.
TIMETABLE_EDITORS = (Role.OPERATOR, Role.KEPALA)
TIMETABLE_READERS = (Role.OPERATOR, Role.KEPALA, Role.WAKA)


def membership_required(*roles: str):
    """Decorator: a logged-in user with a chosen membership holding one of `roles` (any if none).

    Sets nothing new: the view reads `request.membership`, loaded by `MembershipMiddleware`.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership: Membership | None = request.membership
            if membership is None:
                held = request.user.memberships.filter(is_active=True, madrasah__isnull=False)
                if held.filter(madrasah__is_active=True).exists():
                    return redirect("madrasah:choose-madrasah")
                if request.user.is_superuser:  # the installation administrator, in no madrasah
                    return redirect("madrasah:installation")
                inactive = held.filter(madrasah__is_active=False).order_by("madrasah__name")
                if inactive.exists():
                    return madrasah_inactive_page(request, [m.madrasah for m in inactive.select_related("madrasah")])
                raise PermissionDenied
            if roles and not membership.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def madrasah_inactive_page(request, madrasah_list) -> HttpResponse:
    """What a member of a madrasah taken off this installation sees instead of any page of it: which
    madrasah, and whom to ask. Nothing of its data, and no form (403: the page refuses the request)."""
    return render(request, "madrasah/madrasah_inactive.html", {"madrasah_list": madrasah_list}, status=403)


def reads_district(user) -> bool:
    """The district reader (`User.district_reader`) and the installation administrator read the
    overview of every madrasah of the installation; no membership gives that."""
    return bool(user.is_authenticated and (user.is_superuser or user.district_reader))


def district_reader_required(view):
    """Decorator: the overview of the installation's madrasah. A member without the right: 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not reads_district(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def staff_for_user(membership: Membership, pk: int, *, write: bool = False, account: bool = False) -> Staff:
    """A staff record of the member's madrasah. A teacher reads only their own record (another
    teacher's record is private: 404); only the operator and the Kepala change records or manage
    the person's login (`write`, `account`: 403 for other roles)."""
    staff = get_object_or_404(Staff.objects.select_related("madrasah"), pk=pk, madrasah_id=membership.madrasah_id)
    is_self = membership.staff_id == staff.pk
    if not (is_self or membership.has_role(*STAFF_READERS)):
        raise Http404
    if write and not membership.has_role(*STAFF_WRITERS):
        raise PermissionDenied
    if account and not membership.has_role(*ACCOUNT_MANAGERS):
        raise PermissionDenied
    return staff


def semester_for_user(membership: Membership, pk: int, *, write: bool = False) -> Semester:
    """Semesters are visible to every member of their madrasah; the operator and Kepala manage them."""
    semester = get_object_or_404(
        Semester.objects.select_related("academic_year"), pk=pk, madrasah_id=membership.madrasah_id
    )
    if write and not membership.has_role(*PERIOD_MANAGERS):
        raise PermissionDenied
    return semester


def local_subject_for_user(membership: Membership, pk: int) -> Subject:
    """A local subject of the member's madrasah, for its managers: a national subject or another
    madrasah's is not found (404); other roles of the madrasah: 403."""
    subject = get_object_or_404(Subject, pk=pk, madrasah_id=membership.madrasah_id)
    if not membership.has_role(*SUBJECT_MANAGERS):
        raise PermissionDenied
    return subject


def ramadan_period_for_user(membership: Membership, pk: int) -> RamadanPeriod:
    """A Ramadan range of the member's madrasah, for the timetable's editors (others: 403)."""
    period = get_object_or_404(RamadanPeriod, pk=pk, madrasah_id=membership.madrasah_id)
    if not membership.has_role(*TIMETABLE_EDITORS):
        raise PermissionDenied
    return period


def teacher_code_for_user(membership: Membership, pk: int) -> TeacherCode:
    """A remembered timetable code of the member's madrasah, for the timetable's editors (others: 403)."""
    code = get_object_or_404(TeacherCode.objects.select_related("staff"), pk=pk, madrasah_id=membership.madrasah_id)
    if not membership.has_role(*TIMETABLE_EDITORS):
        raise PermissionDenied
    return code
