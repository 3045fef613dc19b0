"""money views."""

urlpatterns: list = []
