"""The operator's own pages for people and accounts (the admin knows no madrasah scope)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import ACCOUNT_MANAGERS, STAFF_READERS, STAFF_WRITERS, membership_required, staff_for_user
from ..access_log import access_log_record
from ..errors import ApplicationError
from ..forms import AccountForm, StaffFilterForm, StaffForm
from ..models import AccessKind, Membership, Role


@membership_required(*STAFF_READERS)
def staff_list(request):
    filter_form = StaffFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    staff = selectors.staff_list(madrasah=request.membership.madrasah, filters=filters)
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    template = "madrasah/staff/_rows.html" if request.htmx else "madrasah/staff/list.html"
    return render(request, template, {"page": page, "filter_form": filter_form})


@membership_required(*STAFF_WRITERS)
def staff_create(request):
    madrasah = request.membership.madrasah
    form = StaffForm(request.POST or None, madrasah=madrasah)
    if request.method == "POST" and form.is_valid():
        staff = services.staff_save(form=form, madrasah=madrasah)
        for warning in form.warnings:
            messages.warning(request, warning)
        messages.success(request, _("%(name)s has been saved.") % {"name": staff.full_name})
        return redirect(staff)
    return render(request, "madrasah/staff/form.html", {"form": form})


@membership_required()
def staff_detail(request, pk: int):
    staff = staff_for_user(request.membership, pk)
    access_log_record(
        viewer=request.membership,
        teacher_id=staff.pk,
        kind=AccessKind.RECORD,
        what=_("Staff record"),
        path=request.get_full_path(),
    )
    membership = Membership.objects.filter(staff=staff).select_related("user").prefetch_related("roles").first()
    can_manage = request.membership.has_role(*ACCOUNT_MANAGERS)
    return render(
        request,
        "madrasah/staff/detail.html",
        {
            "staff": staff,
            "account": membership,
            "can_edit": request.membership.has_role(*STAFF_WRITERS),
            "can_manage": can_manage,
            "account_form": AccountForm(initial={"roles": sorted(membership.role_set) if membership else [Role.GURU]}),
        },
    )


@membership_required()
def staff_update(request, pk: int):
    staff = staff_for_user(request.membership, pk, write=True)
    if request.method == "GET":
        access_log_record(
            viewer=request.membership,
            teacher_id=staff.pk,
            kind=AccessKind.RECORD,
            what=_("Staff record (edit form)"),
            path=request.get_full_path(),
        )
    form = StaffForm(request.POST or None, instance=staff, madrasah=staff.madrasah)
    if request.method == "POST" and form.is_valid():
        services.staff_save(form=form, madrasah=staff.madrasah)
        for warning in form.warnings:
            messages.warning(request, warning)
        messages.success(request, _("%(name)s has been saved.") % {"name": staff.full_name})
        return redirect(staff)
    return render(request, "madrasah/staff/form.html", {"form": form, "staff": staff})


@require_POST
@membership_required()
def staff_set_active(request, pk: int):
    staff = staff_for_user(request.membership, pk, write=True)
    if request.POST.get("active") == "1":
        services.staff_reactivate(staff=staff)
        messages.success(request, _("%(name)s is active again.") % {"name": staff.full_name})
    else:
        services.staff_deactivate(staff=staff)
        messages.success(
            request, _("%(name)s has been deactivated; their records are kept.") % {"name": staff.full_name}
        )
    return redirect(staff)


@require_POST
@membership_required()
def staff_delete(request, pk: int):
    staff = staff_for_user(request.membership, pk, write=True)
    try:
        services.staff_delete(staff=staff)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(staff)
    messages.success(request, _("%(name)s has been deleted.") % {"name": staff.full_name})
    return redirect("madrasah:staff-list")


def _render_slip(request, staff, password: str):
    return render(
        request,
        "madrasah/staff/slip.html",
        {"slips": [{"staff": staff, "username": staff.membership.user.username, "password": password}]},
    )


@require_POST
@membership_required()
def staff_account(request, pk: int):
    """Create the login of a person (then print the first-login slip) or change its roles."""
    staff = staff_for_user(request.membership, pk, account=True)
    form = AccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose at least one role."))
        return redirect(staff)
    try:
        _membership, password = services.account_save(staff=staff, roles=form.cleaned_data["roles"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(staff)
    if password:
        return _render_slip(request, staff, password)
    messages.success(request, _("The roles have been saved."))
    return redirect(staff)


@require_POST
@membership_required()
def staff_password_reset(request, pk: int):
    staff = staff_for_user(request.membership, pk, account=True)
    membership = Membership.objects.filter(staff=staff).select_related("user").first()
    if membership is None:
        messages.error(request, _("This person has no account yet."))
        return redirect(staff)
    password = services.password_reset(membership=membership)
    return _render_slip(request, staff, password)
