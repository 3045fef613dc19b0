"""The last step of `seed_demo`: the demo's people have read their news.

The demo's history is written through the services, which notify as they would have on each day;
a real Kepala or teacher would have read the news of those days long since. So every notice that is
news (not waiting for its reader to act, `madrasah.notifications.NoticeKind.action`) is marked read;
the notices that ask for an action stay unread exactly while their matter is open, because the
action that deals with a matter marks its notices done (tests/laporan/test_demo_notices.py).
"""

from __future__ import annotations

from django.utils import timezone

from madrasah.demo import register_demo_step
from madrasah.models import Notification
from madrasah.notifications import NOTICE_KINDS


@register_demo_step(order=90)
def seed_news_read(*, madrasah, stdout, **context) -> None:
    news = [code for code, kind in NOTICE_KINDS.items() if not kind.action]
    read = Notification.objects.filter(madrasah=madrasah, read_at__isnull=True, kind__in=news).update(
        read_at=timezone.now()
    )
    unread = Notification.objects.filter(madrasah=madrasah, read_at__isnull=True).count()
    stdout.write(f"  notifications: {read} news marked read, {unread} waiting for an action")
