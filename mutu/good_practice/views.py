"""Shared good practice: colleagues read what the Kepala published; a teacher writes, edits and
submits their own; the Kepala publishes or returns with a note. Every write-up is fetched through
`mutu.access.good_practice_for_user`, which hides another teacher's unpublished one (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.models import Role
from madrasah.workflow import run_transition

from ..access import GOOD_PRACTICE_PUBLISHERS, GOOD_PRACTICE_REVIEWERS, good_practice_for_user
from ..models import GoodPracticeStatus
from . import rules, selectors, services
from .forms import GoodPracticeForm, ReturnForm


def _detail_url(practice) -> str:
    return reverse("mutu:good-practice-detail", args=[practice.pk])


def _can_write(membership) -> bool:
    return membership.staff_id is not None and membership.has_role(Role.GURU)


@membership_required()
def good_practice_list(request):
    membership = request.membership
    reviewer = membership.has_role(*GOOD_PRACTICE_REVIEWERS)
    return render(
        request,
        "mutu/good_practice_list.html",
        {
            "published": selectors.good_practice_published(madrasah=membership.madrasah),
            "mine": (
                selectors.good_practice_unpublished_of_teacher(teacher=membership.staff) if membership.staff_id else []
            ),
            "waiting": selectors.good_practice_waiting(madrasah=membership.madrasah) if reviewer else [],
            "reviewer": reviewer,
            "can_write": _can_write(membership),
        },
    )


@membership_required(Role.GURU)
def good_practice_create(request):
    membership = request.membership
    if membership.staff_id is None:
        raise PermissionDenied
    if request.method == "POST":
        form = GoodPracticeForm(request.POST)
        if form.is_valid():
            try:
                practice = services.good_practice_create(
                    teacher=membership.staff, user=request.user, data=form.data_object()
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your draft has been saved. Submit it when it is ready."))
                return redirect(_detail_url(practice))
    else:
        form = GoodPracticeForm()
    return render(request, "mutu/good_practice_form.html", {"form": form, "practice": None})


def _detail(request, practice, *, return_form: ReturnForm | None = None, status: int = 200):
    """The write-up's page (also shown again with the errors of the Kepala's return note)."""
    membership = request.membership
    is_author = membership.staff_id == practice.teacher_id
    submitted = practice.status == GoodPracticeStatus.SUBMITTED
    can_publish = submitted and membership.has_role(*GOOD_PRACTICE_PUBLISHERS)
    return render(
        request,
        "mutu/good_practice_detail.html",
        {
            "practice": practice,
            "is_author": is_author,
            "can_edit": is_author and practice.status in rules.EDITABLE,
            "can_submit": is_author and practice.status == GoodPracticeStatus.DRAFT,
            "can_publish": can_publish,
            "return_form": return_form if return_form is not None else (ReturnForm() if can_publish else None),
        },
        status=status,
    )


@membership_required()
def good_practice_detail(request, pk: int):
    return _detail(request, good_practice_for_user(request.membership, pk))


@membership_required()
def good_practice_update(request, pk: int):
    practice = good_practice_for_user(request.membership, pk, action="edit")
    if practice.status not in rules.EDITABLE:
        messages.error(request, _("A published write-up can no longer be changed."))
        return redirect(_detail_url(practice))
    if request.method == "POST":
        form = GoodPracticeForm(request.POST)
        if form.is_valid():
            try:
                services.good_practice_update(practice=practice, user=request.user, data=form.data_object())
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your write-up has been saved."))
                return redirect(_detail_url(practice))
    else:
        form = GoodPracticeForm(initial={"title": practice.title, "body": practice.body})
    return render(request, "mutu/good_practice_form.html", {"form": form, "practice": practice})


@require_POST
@membership_required()
def good_practice_submit(request, pk: int):
    practice = good_practice_for_user(request.membership, pk, action="edit")
    return run_transition(
        request,
        services.good_practice_submit,
        _("Your write-up has been sent to the Kepala for publication."),
        redirect_to=_detail_url(practice),
        practice=practice,
    )


@require_POST
@membership_required()
def good_practice_publish(request, pk: int):
    practice = good_practice_for_user(request.membership, pk, action="publish")
    try:
        services.good_practice_publish(practice=practice, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(practice))
    messages.success(request, _("Published: every colleague can now read “%(title)s”.") % {"title": practice.title})
    return redirect("mutu:good-practice-list")


@require_POST
@membership_required()
def good_practice_return(request, pk: int):
    practice = good_practice_for_user(request.membership, pk, action="publish")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.good_practice_return(practice=practice, user=request.user, note=form.cleaned_data["note"])
        except ApplicationError as error:
            if error.field is None:
                messages.error(request, error.message)
                return redirect(_detail_url(practice))
            error.add_to_form(form)
        else:
            messages.success(request, _("The write-up has been returned to the teacher with your note."))
            return redirect("mutu:good-practice-list")
    return _detail(request, practice, return_form=form, status=400)
