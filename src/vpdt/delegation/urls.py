from django.urls import path

from . import views

app_name = "delegation"
urlpatterns = [
    path("", views.delegation_list, name="list"),
    path("them/", views.delegation_create, name="create"),
    path("<int:pk>/thu-hoi/", views.delegation_revoke, name="revoke"),
]
