"""The madrasah's own local subjects (muatan lokal), added by the operator or the Kepala and offered
only in this madrasah beside the national subjects."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import SUBJECT_MANAGERS, local_subject_for_user, membership_required
from ..errors import ApplicationError
from ..forms import LocalSubjectForm


@membership_required(*SUBJECT_MANAGERS)
def subject_list(request):
    madrasah = request.membership.madrasah
    form = LocalSubjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = services.local_subject_add(madrasah=madrasah, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": subject.name})
            return redirect("madrasah:subject-list")
    context = {"subjects": selectors.local_subjects(madrasah=madrasah), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "madrasah/subject_list.html", context, status=status)


@require_POST
@membership_required()
def subject_delete(request, pk: int):
    subject = local_subject_for_user(request.membership, pk)
    try:
        services.local_subject_delete(subject=subject)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s has been deleted.") % {"name": subject.name})
    return redirect("madrasah:subject-list")
