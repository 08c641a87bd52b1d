from django.urls import path

from . import views

app_name = "boards"
urlpatterns = [
    path("thong-bao/", views.announcements, name="announcements"),
    path("thong-bao/dang/", views.announcement_create, name="announcement_create"),
    path("thong-bao/cho-gia-han/", views.extension_requests, name="extension_requests"),
    path("thong-bao/<int:pk>/", views.announcement, name="announcement"),
    path("thong-bao/<int:pk>/sua/", views.announcement_edit, name="announcement_edit"),
    path("thong-bao/<int:pk>/go/", views.announcement_remove, name="announcement_remove"),
    path("thong-bao/<int:pk>/da-doc/", views.announcement_read, name="announcement_read"),
    path("thong-bao/<int:pk>/de-nghi-gia-han/", views.request_extension, name="request_extension"),
    path("thong-bao/<int:pk>/gia-han/", views.extend, name="extend"),
    path("thong-bao/<int:pk>/khong-gia-han/", views.decline_extension, name="decline_extension"),
    path("bang-tin/", views.boards, name="boards"),
    path("bang-tin/<int:pk>/", views.board, name="board"),
    path("bang-tin/<int:pk>/dang/", views.post_create, name="post_create"),
    path("bang-tin/<int:pk>/thanh-vien/", views.board_members, name="members"),
    path("bang-tin/tin/<int:pk>/go/", views.post_remove, name="post_remove"),
    path("bang-tin/thanh-vien/<int:pk>/", views.member_change, name="member_change"),
    path("bang-tin/thanh-vien/<int:pk>/bo/", views.member_remove, name="member_remove"),
]
