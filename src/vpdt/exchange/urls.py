from django.urls import path

from . import admin_views, views

# <route>: "trong-he-thong" (from an agency of this deployment) or "he-thong-khac" (from another system).
app_name = "exchange"
urlpatterns = [
    path("den/", views.arrival_list, name="arrivals"),
    path("den/<slug:route>/<int:pk>/tep/<int:n>/", views.arrival_file, name="arrival_file"),
    path("den/<slug:route>/<int:pk>/tiep-nhan/", views.register, name="register"),
    path("den/<slug:route>/<int:pk>/tu-choi/", views.refuse, name="refuse"),
    path("thu-hoi/", views.recall_list, name="recalls"),
    path("thu-hoi/<slug:route>/<int:pk>/<slug:answer>/", views.recall_answer, name="recall_answer"),
    path("gui-loi/", views.failed_list, name="failed"),
    path("gui-loi/<int:pk>/gui-lai/", views.resend, name="resend"),
    path("he-thong/", admin_views.partner_list, name="partners"),
    path("he-thong/dang-ky/", admin_views.partner_create, name="partner_create"),
    path("he-thong/<int:pk>/<str:name>/", admin_views.partner_action, name="partner_action"),
]
