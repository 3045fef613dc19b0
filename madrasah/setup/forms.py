"""Forms of the setup wizard. The madrasah's own data is `madrasah.forms.MadrasahForm` (the profile
page's form); people are `StaffForm` with fewer fields, so the EMIS identifier rules are the same."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import identifiers, setup_code
from ..forms import IDENTIFIER_FIELDS, DateInput, StaffForm
from ..models import EmploymentStatus, User
from ..services import semester_default_dates


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Setup code"),
        min_length=12,
        max_length=40,
        help_text=gettext_lazy(
            "Printed when the product was started (or run: python manage.py setup_code). "
            "Spaces and dashes do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=gettext_lazy("Administrator's username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=gettext_lazy(
            "This account belongs to no madrasah and sees no scores; it sets up madrasah and recovers accounts."
        ),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_code(self):
        code = setup_code.normalise(self.cleaned_data["code"])
        if len(code) < 12:
            raise ValidationError(_("The setup code has at least 12 characters."))
        return code

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and data.get("username"):
            try:
                validate_password(first, User(username=data["username"], is_superuser=True))
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _keep_only(form, names: list[str]) -> None:
    """`StaffForm` with only `names` (its __init__ dresses every identifier field, so they exist first)."""
    extra = ("acting", "decree_number", "decree_date")
    for name in [n for n in form.fields if n not in names and n not in extra]:
        del form.fields[name]


def _sex_from_nip(form, data: dict) -> None:
    """The sex field is asked only without a NIP: a valid NIP's digit 15 gives it (1 = L, 2 = P)."""
    if data.get("sex") or "sex" in form.errors:
        return
    if data.get("nip") and "nip" not in form.errors:
        data["sex"] = identifiers.parse_nip(data["nip"]).sex
    elif not data.get("nip"):
        form.add_error("sex", _("Choose the sex: without a NIP it cannot be read from digit 15."))


# Titles written before a name (docs/domain.md, "Documents": a name is printed with its titles).
FRONT_TITLES = frozenset(
    title.casefold() for title in ("H.", "Hj.", "K.H.", "KH.", "Ny.", "Dr.", "dr.", "Drs.", "Dra.", "Ir.", "Prof.")
)


def split_titles(written: str) -> tuple[str, str, str]:
    """ "Prof. Dr. H. Ahmad Fauzi, M.Pd.I." → ("Prof. Dr. H.", "Ahmad Fauzi", "M.Pd.I."): the known front
    titles, the name, and whatever follows the first comma. A name without them is returned as it is."""
    main, _comma, back = written.partition(",")
    words = main.split()
    front = []
    while len(words) > 1 and words[0].casefold() in FRONT_TITLES:
        front.append(words.pop(0))
    return " ".join(front), " ".join(words), " ".join(back.split())


def _name_with_titles(form) -> None:
    """The name field takes the name as written on a decree, titles included; the title fields stay
    for those who prefer them (or a title the list does not know)."""
    form.fields["name"].help_text = _("With the titles as on the decree, e.g. H. Ahmad Fauzi, M.Pd.I.")
    for name in ("front_title", "back_title"):
        form.fields[name].help_text = _("Only if not written with the name.")
    form.order_fields(["name", *[n for n in form.fields if n != "name"]])


def _titles_from_name(data: dict) -> None:
    if data.get("front_title") or data.get("back_title") or not data.get("name"):
        return
    data["front_title"], data["name"], data["back_title"] = split_titles(data["name"])


def _sex_after_identifiers(form) -> None:
    form.fields["sex"].required = False
    form.fields["sex"].help_text = _("Only without a NIP: the NIP's digit 15 gives it.")
    names = [name for name in form.fields if name != "sex"]
    names.insert(names.index("peg_id") + 1, "sex")
    form.order_fields(names)


class KepalaForm(StaffForm):
    """The Kepala: a teacher's record, and the decree (SK) that appoints them."""

    acting = forms.BooleanField(label=gettext_lazy("Acting Kepala (Plt.)"), required=False)
    decree_number = forms.CharField(label=gettext_lazy("Decree (SK) number"), max_length=100)
    decree_date = forms.DateField(
        label=gettext_lazy("Decree (SK) date"),
        widget=DateInput(),
        help_text=gettext_lazy("The appointment counts from this day."),
    )

    class Meta(StaffForm.Meta):
        fields = ["front_title", "name", "back_title", "sex", "employment_status", *IDENTIFIER_FIELDS, "subjects"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _keep_only(self, ["front_title", "name", "back_title", "sex", "employment_status", "nip", "peg_id"])
        self.fields["peg_id"].help_text = _(
            "Only when there is no NIP (madrasah swasta): the PegID or NIY becomes the username."
        )
        _sex_after_identifiers(self)
        _name_with_titles(self)
        if not self.madrasah.is_private:
            # A madrasah negeri's Kepala is a civil servant (docs/domain.md §3): the choice starts there.
            self.initial.setdefault("employment_status", EmploymentStatus.PNS)

    def clean(self):
        _titles_from_name(self.cleaned_data)
        data = super().clean()
        _sex_from_nip(self, data)
        return data


class OperatorForm(StaffForm):
    """The operator: staff who is not a teacher (never counted, scheduled or reported as one)."""

    identifier_required = False  # without one, the username is made from the name

    class Meta(StaffForm.Meta):
        fields = ["front_title", "name", "back_title", "sex", "employment_status", *IDENTIFIER_FIELDS, "subjects"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _keep_only(self, ["front_title", "name", "back_title", "sex", "employment_status", "nip", "nignp", "peg_id"])
        _sex_after_identifiers(self)
        _name_with_titles(self)
        # Most operators are honorary staff; a civil servant or PPPK chooses so and gives the NIP.
        self.initial.setdefault("employment_status", EmploymentStatus.HONORER)
        self.fields["peg_id"].help_text = _(
            "Without a NIP, NIGNP or PegID the username is made from the name (shown on the slip)."
        )

    def clean(self):
        _titles_from_name(self.cleaned_data)
        data = super().clean()
        _sex_from_nip(self, data)
        return data


def _default_start_year(today: dt.date) -> int:
    return today.year if today.month >= 7 else today.year - 1


class SemestersForm(forms.Form):
    start_year = forms.IntegerField(
        label=gettext_lazy("Academic year starting in"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("2026 for 2026/2027."),
    )
    ganjil_start = forms.DateField(label=gettext_lazy("Odd semester (ganjil) from"), widget=DateInput())
    ganjil_end = forms.DateField(label=gettext_lazy("Odd semester (ganjil) until"), widget=DateInput())
    genap_start = forms.DateField(label=gettext_lazy("Even semester (genap) from"), widget=DateInput())
    genap_end = forms.DateField(label=gettext_lazy("Even semester (genap) until"), widget=DateInput())

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        year = _default_start_year(today or timezone.localdate())
        self.initial.setdefault("start_year", year)
        self.initial.setdefault("ganjil_start", semester_default_dates(year, "ganjil")[0])
        self.initial.setdefault("ganjil_end", semester_default_dates(year, "ganjil")[1])
        self.initial.setdefault("genap_start", semester_default_dates(year, "genap")[0])
        self.initial.setdefault("genap_end", semester_default_dates(year, "genap")[1])

    def clean(self):
        data = super().clean()
        for kind in ("ganjil", "genap"):
            start, end = data.get(f"{kind}_start"), data.get(f"{kind}_end")
            if start and end and end <= start:
                self.add_error(f"{kind}_end", _("The end date must be after the start date."))
        return data
