"""What the role homes of the madrasah's leadership and teachers read, besides the dashboard
(`laporan.dashboard.selectors`)."""

from __future__ import annotations

from madrasah.models import Madrasah, Membership, Role


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
