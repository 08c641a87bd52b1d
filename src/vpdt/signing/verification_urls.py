"""Signature verification screens, under /ky-so/kiem-tra/ (namespace "signing")."""

from django.urls import path

from . import verification_views

urlpatterns: list = [
    path("tep/<int:file_pk>/", verification_views.file_detail, name="verification_file"),
    path("tep/<int:file_pk>/kiem-tra-lai/", verification_views.reverify, name="verification_reverify"),
]
