"""good_practice views."""

urlpatterns: list = []
