"""The person's own contacts on "Akun saya"; the pengawas the Kepala adds."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ..identifiers import clean_digits, normalise_whatsapp, parse_nip


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


class PengawasForm(forms.Form):
    """The pengawas the Kepala adds: NIP (the username), name with titles, email if known."""

    # Wider than the stored 18 digits: people type or paste the printed form `19680510 199403 1 004`.
    nip = forms.CharField(
        label="NIP",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("18 digits; it becomes the pengawas' username."),
    )
    name = forms.CharField(
        label=gettext_lazy("Name with titles"),
        max_length=150,
        help_text=gettext_lazy("As printed under a signature, e.g. Dr. H. Abd. Rahman, M.Pd.I."),
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        required=False,
        help_text=gettext_lazy("Optional. Notices of the product are sent here; the pengawas can change it later."),
    )

    def clean_nip(self):
        nip = clean_digits(self.cleaned_data["nip"])
        parse_nip(nip)
        return nip

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
