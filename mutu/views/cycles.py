"""cycles views."""

urlpatterns: list = []
