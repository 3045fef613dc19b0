"""Siapkan madrasah (/siapkan/): the setup code makes the installation administrator, then a wizard
prepares one madrasah step by step. The progress is the madrasah's `setup_step`, so /siapkan/ resumes at
the first unfinished step from any browser. Only the installation administrator opens the steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import setup_code
from ..accounts.selectors import slips_with_start_links
from ..compression import uncompressed
from ..errors import ApplicationError, Refused
from ..forms import MadrasahForm, NumberingForm
from ..models import Madrasah, SetupStep
from ..views.installation import installation_administrator_required, is_installation_administrator
from . import services
from .forms import KepalaForm, OperatorForm, SemestersForm, SetupCodeForm

STEP_URLS = {
    SetupStep.NUMBERING: "madrasah:setup-numbering",
    SetupStep.KEPALA: "madrasah:setup-kepala",
    SetupStep.OPERATOR: "madrasah:setup-operator",
    SetupStep.SEMESTERS: "madrasah:setup-semesters",
    SetupStep.SLIPS: "madrasah:setup-slips",
}


def _wrong_code() -> Refused:
    return Refused(
        _(
            "The setup code is wrong, already used or expired, or too many attempts were made (wait 15 minutes). "
            "Nothing was saved. Print a valid code on the server with: python manage.py setup_code"
        )
    )


def setup_start(request):
    """Step 0 for a blank installation; for the installation administrator, the first unfinished step."""
    if is_installation_administrator(request.user):
        unfinished = Madrasah.objects.exclude(setup_step="").order_by("-pk").first()
        if unfinished is not None:
            return redirect(STEP_URLS[unfinished.setup_step], unfinished.pk)
        if not Madrasah.objects.exists():
            return redirect("madrasah:setup-madrasah")
        return redirect("madrasah:installation")
    if request.user.is_authenticated:
        raise Refused(_("Only the installation administrator sets up a madrasah."))
    if not setup_code.setup_needed():
        raise Refused(
            _(
                "This installation is already set up: a second setup is not possible. Log in; the installation "
                "administrator adds another madrasah from the Installation page."
            )
        )
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            # Checked and used up in one step: of two people with the right code only one gets through.
            if not setup_code.setup_code_redeem(form.cleaned_data["code"]):
                raise _wrong_code()
            try:
                user = services.setup_administrator_create(
                    username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
                )
            except ApplicationError as error:
                raise Refused(error.message) from None
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("madrasah:setup-madrasah")
        if "code" in form.cleaned_data and not setup_code.setup_code_verify(form.cleaned_data["code"]):
            raise _wrong_code()
    return render(request, "madrasah/setup/start.html", {"form": form})


def _setup_madrasah(request, pk: int, step: str):
    """The madrasah in the wizard at `step`, or a redirect to where its setup stands."""
    madrasah = get_object_or_404(Madrasah, pk=pk)
    if madrasah.setup_step == step:
        return madrasah, None
    if not madrasah.setup_step:
        messages.info(request, _("The setup of %(name)s is complete.") % {"name": madrasah.name})
        return madrasah, redirect("madrasah:installation")
    return madrasah, redirect(STEP_URLS[madrasah.setup_step], madrasah.pk)


def _render_step(request, madrasah, step: str, template: str = "madrasah/setup/step.html", **context):
    # Numbering joined the madrasah's page and the slips the semesters' (shown for a setup begun before).
    joined = {SetupStep.NUMBERING, SetupStep.SLIPS} - {step}
    steps = [("madrasah", _("The madrasah")), *[(v, label) for v, label in SetupStep.choices if v not in joined]]
    position = [value for value, _label in steps].index(step)
    return render(
        request,
        template,
        {"madrasah": madrasah, "step": step, "steps": steps, "position": position, **context},
    )


@installation_administrator_required
def setup_madrasah(request):
    """Step a: a new madrasah (the first, or another one added from the Installation page)."""
    form = MadrasahForm(request.POST or None, request.FILES or None)
    numbering_form = NumberingForm(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), numbering_form.is_valid()]):
        try:
            madrasah = services.setup_madrasah_create(form=form, numbering_form=numbering_form)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.info(request, _madrasah_summary(madrasah))
            return redirect("madrasah:setup-kepala", madrasah.pk)
    return _render_step(
        request,
        None,
        "madrasah",
        form=form,
        numbering_form=numbering_form,
        title=_("The madrasah"),
        multipart=True,
        submit=_("Save and continue"),
    )


def _madrasah_summary(madrasah: Madrasah) -> str:
    """What was saved, read from the NSM and the kabupaten/kota where left empty: to check at a glance."""
    return _(
        "Saved: %(regency)s, %(province)s; %(status)s; %(time_zone)s; letterhead office: %(office)s; place for "
        "dates: %(city)s. Change anything wrong on the madrasah profile page."
    ) % {
        "regency": madrasah.regency,
        "province": madrasah.province,
        "status": madrasah.get_status_display(),
        "time_zone": madrasah.get_time_zone_display(),
        "office": madrasah.district_office or madrasah.foundation_name,
        "city": madrasah.city,
    }


@installation_administrator_required
def setup_numbering(request, pk: int):
    madrasah, elsewhere = _setup_madrasah(request, pk, SetupStep.NUMBERING)
    if elsewhere:
        return elsewhere
    form = NumberingForm(request.POST or None, instance=madrasah)
    if request.method == "POST" and form.is_valid():
        try:
            services.setup_numbering_save(madrasah=madrasah, form=form)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("madrasah:setup-kepala", madrasah.pk)
    return _render_step(request, madrasah, SetupStep.NUMBERING, form=form, title=_("Document numbering"))


@installation_administrator_required
def setup_kepala(request, pk: int):
    madrasah, elsewhere = _setup_madrasah(request, pk, SetupStep.KEPALA)
    if elsewhere:
        return elsewhere
    form = KepalaForm(request.POST or None, madrasah=madrasah)
    if request.method == "POST" and form.is_valid():
        decree = {name: form.cleaned_data[name] for name in ("acting", "decree_number", "decree_date")}
        try:
            services.setup_kepala_create(administrator=request.user, madrasah=madrasah, form=form, **decree)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("madrasah:setup-operator", madrasah.pk)
    return _render_step(request, madrasah, SetupStep.KEPALA, form=form, title=_("The Kepala"))


@installation_administrator_required
def setup_operator(request, pk: int):
    madrasah, elsewhere = _setup_madrasah(request, pk, SetupStep.OPERATOR)
    if elsewhere:
        return elsewhere
    form = OperatorForm(request.POST or None, madrasah=madrasah)
    if request.method == "POST" and form.is_valid():
        try:
            services.setup_operator_create(administrator=request.user, madrasah=madrasah, form=form)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            return redirect("madrasah:setup-semesters", madrasah.pk)
    return _render_step(request, madrasah, SetupStep.OPERATOR, form=form, title=_("The operator"))


@installation_administrator_required
def setup_semesters(request, pk: int):
    madrasah, elsewhere = _setup_madrasah(request, pk, SetupStep.SEMESTERS)
    if elsewhere:
        return elsewhere
    form = SemestersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            active, slips = services.setup_semesters_and_slips(
                administrator=request.user, madrasah=madrasah, **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            if not active.contains(timezone.localdate()):
                messages.warning(
                    request, _("Today is in neither semester: %(semester)s is active for now.") % {"semester": active}
                )
            return _slips_page(request, madrasah, slips)
    return _render_step(
        request,
        madrasah,
        SetupStep.SEMESTERS,
        form=form,
        title=_("Academic year and semesters"),
        submit=_("Save and show the two slips"),
    )


def _slips_page(request, madrasah, slips):
    """The last page of the setup: the slips, shown once (passwords are never stored in clear)."""
    next_url = f"{reverse('madrasah:login')}?next={reverse('madrasah:staff-import')}"
    return render(
        request,
        "madrasah/setup/slips.html",
        {
            "madrasah": madrasah,
            "slips": slips_with_start_links(request=request, slips=slips),
            "next_url": next_url,
        },
    )


@installation_administrator_required
def setup_instruments(request, pk: int):
    """The instruments are prepared with the semesters: a link or an open tab to this step leads to
    where the setup of this madrasah stands."""
    madrasah = get_object_or_404(Madrasah, pk=pk)
    if not madrasah.setup_step:
        return redirect("madrasah:installation")
    return redirect(STEP_URLS[madrasah.setup_step], madrasah.pk)


@uncompressed  # one-time passwords on the page (madrasah.compression)
@installation_administrator_required
def setup_slips(request, pk: int):
    madrasah, elsewhere = _setup_madrasah(request, pk, SetupStep.SLIPS)
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        return _slips_page(request, madrasah, services.setup_slips_issue(administrator=request.user, madrasah=madrasah))
    return _render_step(
        request, madrasah, SetupStep.SLIPS, template="madrasah/setup/slips_confirm.html", title=_("First-login slips")
    )
