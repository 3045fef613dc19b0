"""What the role homes of the madrasah's leadership and teachers read, besides the dashboard
(`laporan.dashboard.selectors`)."""

from __future__ import annotations

from kompetensi.growth import selectors as growth_selectors
from kompetensi.templatetags.growth_tags import _charts as growth_charts  # shim: removed at merge
from madrasah.models import Madrasah, Membership, Role, Staff


def active_teacher_count(*, madrasah: Madrasah) -> int:
    return madrasah.staff.teachers().active().count()


def leadership_roles_held(*, madrasah: Madrasah) -> set[str]:
    """Which of the Waka Kurikulum and the pengawas the madrasah has among its active members: the
    Kepala's first steps are offered until both are named."""
    return set(
        Membership.objects.filter(madrasah=madrasah, is_active=True, roles__role__in=[Role.WAKA, Role.PENGAWAS])
        .values_list("roles__role", flat=True)
        .distinct()
    )


def growth_page(*, staff: Staff, viewer_membership: Membership) -> dict:  # shim: removed at merge
    """The context of `kompetensi/growth/_page.html`: the growth page of `staff` as seen by
    `viewer_membership` (already let in)."""
    page = growth_selectors.growth_page(teacher=staff, viewer=viewer_membership)
    page["charts"] = growth_charts(page)
    return {"page": page}
