from django.urls import path

from .views import (
    good_practice_create,
    good_practice_detail,
    good_practice_list,
    good_practice_publish,
    good_practice_return,
    good_practice_submit,
    good_practice_update,
)

urlpatterns = [
    path("praktik-baik/", good_practice_list, name="good-practice-list"),
    path("praktik-baik/tulis/", good_practice_create, name="good-practice-create"),
    path("praktik-baik/<int:pk>/", good_practice_detail, name="good-practice-detail"),
    path("praktik-baik/<int:pk>/ubah/", good_practice_update, name="good-practice-update"),
    path("praktik-baik/<int:pk>/ajukan/", good_practice_submit, name="good-practice-submit"),
    path("praktik-baik/<int:pk>/terbitkan/", good_practice_publish, name="good-practice-publish"),
    path("praktik-baik/<int:pk>/kembalikan/", good_practice_return, name="good-practice-return"),
]
