"""Digitization screens, under /so-hoa/ (namespace "digitize")."""

from django.urls import path

from . import views

app_name = "digitize"
urlpatterns = [
    path("tep/<int:file_pk>/", views.status, name="status"),
    path("tep/<int:file_pk>/ban-so-hoa/", views.archive, name="archive"),
    path("tep/<int:file_pk>/so-hoa-lai/", views.retry, name="retry"),
]
