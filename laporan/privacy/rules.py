"""Rules of personal data and file retention (UU PDP art. 43-44: personal data is deleted once its
retention period ends), without the database."""

from __future__ import annotations

import datetime as dt

from madrasah.models import Role

RETENTION_WRITERS = (Role.KEPALA,)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))
