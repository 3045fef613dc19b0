"""The person's own contacts on "Akun saya"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..identifiers import normalise_whatsapp


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        help_text=gettext_lazy("Optional. Notices of the product (results, requests, reminders) are sent here."),
    )
    whatsapp = forms.CharField(
        label=gettext_lazy("WhatsApp number"),
        max_length=30,
        required=False,
        help_text=gettext_lazy(
            "Optional. The reminder links colleagues send you through WhatsApp open a chat with this number."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_whatsapp(self):
        return normalise_whatsapp(self.cleaned_data["whatsapp"])
