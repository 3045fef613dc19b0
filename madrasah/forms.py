from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import identifiers
from .models import EmploymentStatus, Madrasah, Role, SemesterKind, Staff, Subject, TeacherType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # ISO format: the browser's date input reads and writes yyyy-mm-dd whatever the language.
        super().__init__(format="%Y-%m-%d", **kwargs)


IDENTIFIER_FIELDS = ("nip", "nignp", "npk", "nuptk", "peg_id")


class StaffForm(forms.ModelForm):
    """Teacher and staff data with the EMIS identifier rules (DOMAIN.md, "Identifiers").

    Errors block; disagreements that real data contains (the NIP's birth date against the recorded
    one) are collected in `self.warnings` and shown without blocking.
    """

    # Wider than the stored 18 digits: people type or paste the printed form `19700101 199803 1 002`.
    nip = forms.CharField(label="NIP", max_length=30, required=False)
    nuptk = forms.CharField(label="NUPTK", max_length=30, required=False)

    class Meta:
        model = Staff
        fields = [
            "front_title",
            "name",
            "back_title",
            "sex",
            "birth_place",
            "birth_date",
            "employment_status",
            "nip",
            "nignp",
            "npk",
            "nuptk",
            "peg_id",
            "rank",
            "career_level",
            "certified",
            "teacher_type",
            "subjects",
            "extra_duties",
            "phone",
        ]
        widgets = {
            "birth_date": DateInput(),
            "subjects": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, madrasah: Madrasah, **kwargs):
        super().__init__(*args, **kwargs)
        self.madrasah = madrasah
        self.warnings: list[str] = []
        self.fields["subjects"].queryset = Subject.objects.all()
        for name in IDENTIFIER_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["nuptk"].help_text = _("16 digits. An EMIS value such as ID12345678 is read as a PegID.")

    def clean_nignp(self):
        value = self.cleaned_data["nignp"]
        return identifiers.validate_nignp(value) if value else ""

    def clean_npk(self):
        value = self.cleaned_data["npk"]
        return identifiers.validate_npk(value) if value else ""

    def clean_nuptk(self):
        nuptk, peg_id = identifiers.split_nuptk_column(self.cleaned_data["nuptk"])
        if peg_id:
            self._peg_id_from_nuptk = peg_id
            return ""
        return identifiers.validate_nuptk(nuptk) if nuptk else ""

    def clean_peg_id(self):
        value = self.cleaned_data["peg_id"] or getattr(self, "_peg_id_from_nuptk", "")
        return identifiers.validate_peg_id(value) if value else ""

    def clean(self):
        data = super().clean()
        status = data.get("employment_status")
        nip = identifiers.clean_digits(data.get("nip", ""))
        if nip:
            try:
                identifiers.parse_nip(nip, pppk=status in EmploymentStatus.pppk() if status else None)
                data["nip"] = nip
                self.warnings += identifiers.nip_warnings(nip, birth_date=data.get("birth_date"), sex=data.get("sex"))
            except ValidationError as error:
                self.add_error("nip", error)
        elif status in EmploymentStatus.civil_servant() | EmploymentStatus.pppk():
            self.add_error("nip", _("A PNS or PPPK teacher must have a NIP."))
        if not (data.get("nip") or data.get("nignp") or data.get("peg_id")) and not self.errors.get("nip"):
            self.add_error(None, _("Fill in at least one of NIP, NIGNP or PegID: it becomes the username."))
        self._check_duplicates(data)
        return data

    def _check_duplicates(self, data) -> None:
        others = Staff.objects.filter(madrasah=self.madrasah)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        for name in IDENTIFIER_FIELDS:
            value = data.get(name)
            if value and name not in self.errors:
                holder = others.filter(**{name: value}).first()
                if holder:
                    self.add_error(
                        name,
                        _("%(label)s %(value)s is already recorded for %(name)s.")
                        % {"label": self.fields[name].label, "value": value, "name": holder.full_name},
                    )


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    subject = forms.ModelChoiceField(label=gettext_lazy("Subject"), queryset=Subject.objects.all(), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", "—"), *EmploymentStatus.choices], required=False
    )
    teacher_type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=[("", "—"), *TeacherType.choices], required=False
    )
    certified = forms.ChoiceField(
        label=gettext_lazy("Certified"),
        choices=[("", "—"), ("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))],
        required=False,
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Active"),
        choices=[("1", gettext_lazy("Active")), ("0", gettext_lazy("Inactive")), ("", gettext_lazy("All"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name or identifier")})


class AccountForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )


class MembershipChoiceForm(forms.Form):
    membership = forms.TypedChoiceField(label=gettext_lazy("Madrasah"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, m.madrasah.name) for m in memberships]


class SemesterForm(forms.Form):
    start_year = forms.IntegerField(
        label=gettext_lazy("Academic year starting in"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("2025 for 2025/2026."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Semester"), choices=SemesterKind.choices)
    start_date = forms.DateField(label=gettext_lazy("Start date"), required=False, widget=DateInput())
    end_date = forms.DateField(label=gettext_lazy("End date"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("The end date must be after the start date."))
        return data


class MadrasahForm(forms.ModelForm):
    class Meta:
        model = Madrasah
        fields = [
            "name",
            "nsm",
            "npsn",
            "address",
            "city",
            "phone",
            "email",
            "website",
            "ministry_line",
            "district_office",
            "letterhead_lines",
            "paper_size",
            "unit_code",
            "classification_code",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "letterhead_lines": forms.Textarea(attrs={"rows": 3})}

    def clean_nsm(self):
        return identifiers.validate_nsm(self.cleaned_data["nsm"])

    def clean_npsn(self):
        return identifiers.validate_npsn(self.cleaned_data["npsn"])
