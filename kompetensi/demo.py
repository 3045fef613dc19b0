"""Demo data of kompetensi for `seed_demo`: the instruments of every academic year seeded."""

from madrasah.demo import register_demo_step

from .seed import ensure_frameworks, instruments_ensure_defaults


@register_demo_step(order=10)
def seed_instruments(*, madrasah, semesters, stdout, **context) -> None:
    ensure_frameworks()
    years = sorted({s.academic_year for s in semesters}, key=lambda y: y.start_year)
    created = 0
    for year in years:
        created += len(instruments_ensure_defaults(madrasah=madrasah, academic_year=year))
    stdout.write(f"  instruments: {created} versions over {len(years)} academic years")
