"""The setup's hook for later apps: madrasah may not import them (dependencies point madrasah ←
kompetensi ← mutu ← laporan), so the setup announces what it needs and they answer.

`academic_year_prepared` is sent (sender: `Madrasah`) with `madrasah` and `academic_year` when the setup
wizard asks for the standard instruments of the new academic year; kompetensi connects its receiver
in `KompetensiConfig.ready`. Receivers run inside the setup's transaction: a failure undoes the step.
"""

from django.dispatch import Signal

academic_year_prepared = Signal()
