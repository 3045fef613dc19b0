"""The teacher's growth page as an inclusion tag, for the madrasah app's teacher home
(`{% load growth_tags %}{% growth_page staff %}`). The page's context is
`kompetensi.growth.selectors.growth_page`, which views call themselves."""

from __future__ import annotations

from django import template

from ..growth import selectors

register = template.Library()


@register.inclusion_tag("kompetensi/growth/_page.html", takes_context=True)  # shim: removed at merge
def growth_page(context, staff):  # shim: removed at merge
    request = context["request"]  # shim: removed at merge
    membership = getattr(request, "membership", None)  # shim: removed at merge
    page = selectors.growth_page(staff=staff, viewer_membership=membership)  # shim: removed at merge
    return {**page, "request": request}  # shim: removed at merge
