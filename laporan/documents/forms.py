"""Forms of the documents: the signed copy stored next to a revision (its content is judged by the
service, `services.revisions.revision_sign`, not by the name or the browser's type)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Signed copy"),
        help_text=gettext_lazy("The scan of the paper signed and stamped: PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
