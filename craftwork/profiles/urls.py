app_name = "profiles"
urlpatterns: list = []
