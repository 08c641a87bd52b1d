from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("da-doc/", views.read_all, name="read_all"),
    path("chuong/", views.bell, name="bell"),
    path("chuong/moi-nhat/", views.bell_menu, name="bell_menu"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("day/khoa/", views.push_key, name="push_key"),
    path("day/dang-ky/", views.push_subscribe, name="push_subscribe"),
    path("day/huy/", views.push_unsubscribe, name="push_unsubscribe"),
    path("day/<int:pk>/go/", views.push_remove, name="push_remove"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/da-doc/", views.read, name="read"),
]
