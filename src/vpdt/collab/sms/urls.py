from django.urls import path

from . import views

app_name = "sms"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("gui/", views.send, name="send"),
    path("cai-dat/", views.sms_settings, name="settings"),
    path("quyen-gui/", views.grants, name="grants"),
    path("quyen-gui/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
    path("bao-nhan/", views.report, name="report"),
    path("<int:pk>/", views.message_detail, name="detail"),
]
