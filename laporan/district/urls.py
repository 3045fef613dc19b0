from django.urls import path

from . import views

urlpatterns = [
    path("pengawas/perbandingan/", views.district_comparison, name="district-comparison"),
    path("kabupaten/", views.district_overview, name="district-overview"),
]
