"""The Kepala's file retention setting. The form types the input; the rules live in
`services.retention_setting_save`, whose errors come back at these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS


class RetentionForm(forms.Form):
    evidence_months = forms.IntegerField(
        label=gettext_lazy("Uploaded evidence files (months)"),
        help_text=gettext_lazy("Photos, lesson plans, certificates and other files uploaded as evidence."),
    )
    document_months = forms.IntegerField(
        label=gettext_lazy("Built documents (months)"),
        help_text=gettext_lazy("PDF and Excel files built on the Reports page; they can be built again from the data."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"min": RETENTION_MIN_MONTHS, "max": RETENTION_MAX_MONTHS})
            field.error_messages.update(
                required=_("Fill in the number of months."), invalid=_("Enter a whole number of months.")
            )
