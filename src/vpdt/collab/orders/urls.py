from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("giao/", views.create, name="create"),
    path("tong-hop/", views.summary, name="summary"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/giao-nhiem-vu-con/", views.delegate, name="delegate"),
    path("<int:pk>/tep/<int:file_pk>/", views.download, name="download"),
    path("<int:pk>/<slug:slug>/", views.act, name="act"),
]
