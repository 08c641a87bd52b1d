from django.urls import include, path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.week, name="week"),
    path("thang/", views.month, name="month"),
    path("dang-ky/", views.book, name="book"),
    path("cho-duyet/", views.waiting, name="waiting"),
    path("phong-hop/", views.rooms, name="rooms"),
    path("phong-hop/<int:pk>/", views.room, name="room"),
    path("quyen-quan-ly/", views.grants, name="grants"),
    path("quyen-quan-ly/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/<slug:slug>/", views.act, name="act"),
    path("", include("vpdt.collab.calendar.publish_urls")),
]
