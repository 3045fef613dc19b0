"""The member's notifications: the list grouped by kind (with "mark as read" and "mark all as read"),
and opening one (read, then its page)."""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from ..access import membership_required
from ..notifications import (
    notification_for_user,
    notification_mark_read,
    notification_message,
    notifications_for,
    notifications_grouped,
    notifications_mark_all_read,
    whatsapp_share_url,
)

PAGE_SIZE = 100


@membership_required()
def notification_list(request):
    membership = request.membership
    if request.method == "POST":
        chosen = request.POST.get("notification", "")
        if chosen.isdigit():
            notification_mark_read(notification=notification_for_user(membership, int(chosen)))
        else:
            notifications_mark_all_read(user=request.user, madrasah=membership.madrasah)
        return redirect("madrasah:notification-list")
    notifications = list(notifications_for(user=request.user, madrasah=membership.madrasah)[:PAGE_SIZE])
    for notification in notifications:
        notification.message = notification_message(notification)
        # The texts carry no score by design, so they may travel through WhatsApp as they are.
        notification.whatsapp_url = whatsapp_share_url(notification.message)
    return render(
        request,
        "madrasah/notifications.html",
        {
            "notifications": notifications,
            "groups": notifications_grouped(notifications),
            "any_unread": any(n.read_at is None for n in notifications),
        },
    )


@membership_required()
def notification_open(request, pk: int):
    notification = notification_for_user(request.membership, pk)
    notification_mark_read(notification=notification)
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("madrasah:notification-list")
