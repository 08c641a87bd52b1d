from django.urls import path

from . import admin_views, views

app_name = "exchange"
urlpatterns = [
    path("den/", views.arrival_list, name="arrivals"),
    path("den/<int:pk>/tep/<int:index>/", views.arrival_file, name="arrival_file"),
    path("den/<int:pk>/tiep-nhan/", views.register, name="register"),
    path("den/<int:pk>/tu-choi/", views.refuse, name="refuse"),
    path("thu-hoi/<int:pk>/<str:answer>/", views.recall_answer, name="recall_answer"),
    path("gui-loi/", views.failed_list, name="failed"),
    path("gui-loi/<int:pk>/gui-lai/", views.resend, name="resend"),
    path("he-thong/", admin_views.partner_list, name="partners"),
    path("he-thong/dang-ky/", admin_views.partner_create, name="partner_create"),
    path("he-thong/<int:pk>/<str:name>/", admin_views.partner_action, name="partner_action"),
]
