"""`{% load text_tags %}`: `{{ text|shorten:160 }}` cuts a long text at a word boundary with "…"
(madrasah.texts.shorten, the one truncation of the product; Django's `truncatechars` cuts mid-word)."""

from __future__ import annotations

from django import template

from madrasah.texts import shorten as shorten_text

register = template.Library()


@register.filter
def shorten(text, limit) -> str:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        return str(text or "")
    return shorten_text(text, limit)
