from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("moi/", views.new_direct, name="new_direct"),
    path("nhom-moi/", views.new_group, name="new_group"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tin-nhan-moi/", views.newer, name="newer"),
    path("<int:pk>/tin-nhan-cu/", views.older, name="older"),
    path("<int:pk>/gui/", views.send, name="send"),
    path("<int:pk>/tep/<int:att_pk>/", views.download, name="download"),
    path("<int:pk>/thanh-vien/", views.members, name="members"),
    path("<int:pk>/thanh-vien/them/", views.add_members, name="add_members"),
    path("<int:pk>/thanh-vien/<int:user_pk>/bo/", views.remove_member, name="remove_member"),
    path("<int:pk>/roi-nhom/", views.leave, name="leave"),
]
