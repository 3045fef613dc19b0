from django.urls import path

from .views import (
    business_create,
    business_delete,
    business_list,
    business_update,
    funding,
    funding_export,
)

urlpatterns = [
    path("pendanaan/", funding, name="funding"),
    path("pendanaan/unduh/", funding_export, name="funding-export"),
    path("wirausaha/", business_list, name="business-list"),
    path("wirausaha/tambah/", business_create, name="business-create"),
    path("wirausaha/<int:pk>/ubah/", business_update, name="business-update"),
    path("wirausaha/<int:pk>/hapus/", business_delete, name="business-delete"),
]
