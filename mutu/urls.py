app_name = "mutu"

urlpatterns: list = []
