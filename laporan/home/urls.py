"""The role homes composed in laporan keep their `madrasah:` names and addresses (bookmarks, sent
notifications and every `redirect` to a home name them): config/urls.py adds these patterns to the
madrasah app's, in its namespace."""

from django.urls import path

from . import views

app_name = "madrasah"

urlpatterns = [
    path("beranda/kepala/", views.home_kepala, name="home-kepala"),
    path("beranda/kepala/waka/", views.waka_assign, name="home-waka-assign"),
    path("beranda/waka/", views.home_waka, name="home-waka"),
    path("beranda/guru/", views.home_guru, name="home-guru"),
    path("beranda/operator/", views.home_operator, name="home-operator"),
    path("beranda/pengawas/", views.home_pengawas, name="home-pengawas"),
]
