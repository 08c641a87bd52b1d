from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("luu/", views.save, name="save"),
    path("da-luu/<int:pk>/", views.run_saved, name="run_saved"),
    path("da-luu/<int:pk>/xoa/", views.delete_saved, name="delete_saved"),
]
