from django.urls import path

from . import views

app_name = "polls"
urlpatterns = [
    path("", views.polls, name="polls"),
    path("mo/", views.create, name="create"),
    path("giao-quyen/", views.grants, name="grants"),
    path("giao-quyen/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
    path("<int:pk>/", views.poll, name="poll"),
    path("<int:pk>/tra-loi/", views.answer, name="answer"),
    path("<int:pk>/gia-han-tra-loi/", views.extend_deadline, name="extend_deadline"),
    path("<int:pk>/xin-gia-han-tra-loi/", views.ask_more_time, name="ask_more_time"),
    path("<int:pk>/de-nghi/<int:rpk>/gia-han/", views.grant_more_time, name="grant_more_time"),
    path("<int:pk>/de-nghi/<int:rpk>/khong-gia-han/", views.decline_more_time, name="decline_more_time"),
    path("<int:pk>/ket-thuc/", views.close, name="close"),
    path("<int:pk>/de-nghi-gia-han/", views.request_extension, name="request_extension"),
    path("<int:pk>/gia-han/", views.extend, name="extend"),
    path("<int:pk>/tong-hop.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/tong-hop.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/tep/<int:file_pk>/", views.download, name="download"),
]
