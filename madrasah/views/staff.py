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
from ..accounts import rules as account_rules
from ..accounts import selectors as account_selectors
from ..accounts import services as account_services
from ..accounts.display import event_rows
from ..compression import uncompressed
from ..errors import ApplicationError, Refused
from ..forms import AccountForm, StaffFilterForm, StaffForm, staff_stored_values
from ..models import AccessKind, Membership, Role, Staff
from ..versioning import StaleVersion


@membership_required(*STAFF_READERS)
def staff_list(request):
    filter_form = StaffFilterForm(request.GET or None, madrasah=request.membership.madrasah)
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
        staff = services.staff_save(form=form, madrasah=madrasah, actor=request.user)
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
    actor = request.membership
    can_manage = actor.has_role(*ACCOUNT_MANAGERS)
    context = {
        "staff": staff,
        "account": membership,
        "can_edit": actor.has_role(*STAFF_WRITERS),
        "can_manage": can_manage,
    }
    if can_manage:
        held = membership.role_set if membership else set()
        account_form = AccountForm(grantable=account_rules.grantable_roles(actor.role_set), held=held)
        context.update(
            account_form=account_form,
            roles_kept=[Role(r).label for r in sorted(account_form.kept, key=account_rules.ROLE_RANK.get)],
            is_self=membership is not None and membership.user_id == actor.user_id,
            control_refusal=account_selectors.control_refusal(actor=actor, target=membership) if membership else None,
            invitation=account_selectors.invitation_of_staff(staff=staff),
            history=event_rows(account_selectors.events_of_staff(staff=staff)[:50]),
        )
    return render(request, "madrasah/staff/detail.html", context)


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
        try:
            services.staff_save(form=form, madrasah=staff.madrasah, actor=request.user)
        except StaleVersion as error:
            # Saved since this form was opened (another device, another person): nothing was written;
            # the typed entries stay beside what is stored, and saving again is a deliberate choice.
            stored = Staff.objects.get(pk=staff.pk)
            form.version_conflict(error, stored=staff_stored_values(stored))
            context = {"form": form, "staff": stored, "reload_url": request.path, "conflict": True}
            return render(request, "madrasah/staff/form.html", context, status=409)
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
        services.staff_reactivate(staff=staff, actor=request.user)
        messages.success(request, _("%(name)s is active again.") % {"name": staff.full_name})
    else:
        services.staff_deactivate(staff=staff, actor=request.user)
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


def _render_slip(request, staff, user, password: str):
    return render(
        request,
        "madrasah/staff/slip.html",
        {
            "slips": account_selectors.slips_with_start_links(
                request=request,
                slips=[{"staff": staff, "user": user, "username": user.username, "password": password}],
            )
        },
    )


@require_POST
@membership_required()
def staff_account(request, pk: int):
    """Create the login of a person (then print the first-login slip), invite the account that already
    has their identifier, or change their roles here, within what the actor may grant."""
    actor = request.membership
    staff = staff_for_user(actor, pk, account=True)
    current = Membership.objects.filter(staff=staff).prefetch_related("roles").first()
    form = AccountForm(
        request.POST,
        grantable=account_rules.grantable_roles(actor.role_set),
        held=current.role_set if current else set(),
    )
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("roles", [])) or _("Choose at least one role."))
        return redirect(staff)
    # A grant the actor may not make (their own roles, the Kepala role, a role above theirs) is a role
    # that may not act on this record: 403 with the reason. The service checks the same rule again.
    refusal = account_rules.roles_change_refusal(
        actor_roles=actor.role_set,
        is_self=current is not None and current.user_id == actor.user_id,
        held=current.role_set if current else set(),
        wanted=set(form.cleaned_data["roles"]),
    )
    if refusal:
        raise Refused(refusal)
    try:
        membership, password, invitation = account_services.account_save(
            actor=actor, staff=staff, roles=form.cleaned_data["roles"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(staff)
    if invitation:
        messages.info(
            request,
            _(
                "An account with the username %(username)s already exists in this installation. It was not linked: "
                "its owner has been invited and joins this madrasah after accepting, with their own password."
            )
            % {"username": invitation.user.username},
        )
    elif password:
        return _render_slip(request, staff, membership.user, password)
    else:
        messages.success(request, _("The roles have been saved."))
    return redirect(staff)


@uncompressed  # one-time passwords on the page (madrasah.compression)
@require_POST
@membership_required()
def staff_password_reset(request, pk: int):
    staff = staff_for_user(request.membership, pk, account=True)
    target = account_selectors.account_for_manager(request.membership, staff)
    password = account_services.password_reset(actor=request.user, membership=target)
    return _render_slip(request, staff, target.user, password)


@require_POST
@membership_required()
def staff_invitation_withdraw(request, pk: int):
    staff = staff_for_user(request.membership, pk, account=True)
    invitation = account_selectors.invitation_of_staff(staff=staff)
    if invitation is None:
        messages.error(request, _("There is no open invitation for this person."))
        return redirect(staff)
    try:
        account_services.invitation_withdraw(actor=request.membership, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect(staff)
