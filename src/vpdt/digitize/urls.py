"""Digitization screens, under /so-hoa/ (namespace "digitize")."""

from django.urls import path

from . import scan_views, views

app_name = "digitize"
urlpatterns = [
    path("tep/<int:file_pk>/", views.status, name="status"),
    path("tep/<int:file_pk>/ban-so-hoa/", views.archive, name="archive"),
    path("tep/<int:file_pk>/so-hoa-lai/", views.retry, name="retry"),
    path("ban-quet/", scan_views.waiting, name="scans"),
    path("ban-quet/<int:pk>/trang-thai/", scan_views.status, name="scan_status"),
    path("ban-quet/<int:pk>/tep/", scan_views.view_file, name="scan_file"),
    path("ban-quet/<int:pk>/bo/", scan_views.discard, name="scan_discard"),
]
