"""The Kepala's "Log akses data pribadi": who opened which teacher's personal data (UU PDP).

Only the Kepala reads it, and only their madrasah's entries (the selector takes the madrasah from the
membership; no id in the URL). A teacher reads the entries about them on their own page (laporan).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import membership_required
from ..access_log import access_log_list
from ..forms import DateInput
from ..models import AccessKind, Membership, Role, Staff

ACCESS_LOG_PAGE_SIZE = 50


class AccessLogFilterForm(forms.Form):
    teacher = forms.TypedChoiceField(label=gettext_lazy("Whose data"), coerce=int, required=False, empty_value=None)
    actor = forms.TypedChoiceField(label=gettext_lazy("Opened by"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput())

    def __init__(self, *args, madrasah, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Everyone"))]
        self.fields["teacher"].choices = everyone + list(
            Staff.objects.filter(madrasah=madrasah).order_by("name").values_list("pk", "name")
        )
        actors = Membership.objects.filter(madrasah=madrasah).order_by("staff__name", "user__username")
        self.fields["actor"].choices = everyone + [
            (user_id, name or username)
            for user_id, name, username in actors.values_list("user_id", "staff__name", "user__username")
        ]
        self.fields["kind"].choices = [("", _("All kinds")), *AccessKind.choices]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


@membership_required(Role.KEPALA)
def access_log(request):
    madrasah = request.membership.madrasah
    form = AccessLogFilterForm(request.GET or None, madrasah=madrasah)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = access_log_list(
        madrasah=madrasah,
        teacher_id=filters.get("teacher"),
        actor_id=filters.get("actor"),
        kind=filters.get("kind") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "madrasah/access_log.html", {"form": form, "page": page})
