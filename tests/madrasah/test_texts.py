"""Cutting a long text short: at a word boundary, ending with "…" (madrasah.texts.shorten)."""

from __future__ import annotations

from django.template import Context, Template

from madrasah.texts import shorten

DESCRIPTION = "Pendampingan penyusunan modul ajar berdiferensiasi untuk kelas VIII"


def test_a_short_text_is_left_whole():
    assert shorten("Pendampingan modul ajar", 40) == "Pendampingan modul ajar"


def test_a_long_text_ends_at_a_word_with_an_ellipsis():
    cut = shorten(DESCRIPTION, 40)
    assert cut == "Pendampingan penyusunan modul ajar…"
    assert len(cut) <= 40 and DESCRIPTION.startswith(cut[:-1])


def test_a_word_ending_exactly_at_the_limit_is_kept():
    assert shorten("Pendampingan penyusunan modul ajar sekarang", 24) == "Pendampingan penyusunan…"


def test_punctuation_before_the_cut_is_dropped():
    assert shorten("Modul ajar, asesmen, dan refleksi pembelajaran", 22) == "Modul ajar, asesmen…"


def test_one_word_longer_than_the_room_is_cut_inside_it():
    assert shorten("Pembelajaranberdiferensiasi", 10) == "Pembelaja…"


def test_the_template_filter_is_the_same_cut():
    rendered = Template("{% load text_tags %}{{ text|shorten:40 }}").render(Context({"text": DESCRIPTION}))
    assert rendered == "Pendampingan penyusunan modul ajar…"
