"""One way in per kompetensi object (the rule in madrasah.access)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from madrasah.models import Membership, Role

from .models import Framework, InstrumentVersion, Section

# Instruments are open to every member of the madrasah (teachers should know what is observed);
# the Waka and the Kepala shape them.
INSTRUMENT_EDITORS = (Role.WAKA, Role.KEPALA)


def instrument_version_for_user(membership: Membership, pk: int, *, write: bool = False) -> InstrumentVersion:
    version = get_object_or_404(
        InstrumentVersion.objects.select_related("instrument", "academic_year", "framework"),
        pk=pk,
        instrument__madrasah_id=membership.madrasah_id,
    )
    if write and not membership.has_role(*INSTRUMENT_EDITORS):
        raise PermissionDenied
    return version


def section_for_user(membership: Membership, version_pk: int, pk: int, *, write: bool = False) -> Section:
    version = instrument_version_for_user(membership, version_pk, write=write)
    return get_object_or_404(Section.objects.select_related("version"), pk=pk, version=version)


def framework_for_user(membership: Membership, pk: int) -> Framework:
    """Frameworks are national reference data: every member may read them."""
    return get_object_or_404(Framework, pk=pk)
