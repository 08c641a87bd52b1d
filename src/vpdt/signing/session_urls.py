"""Client-side signing screens, under /ky-so/phien/ (namespace "signing")."""

from django.urls import path

from . import session_views as views

urlpatterns = [
    path("bat-dau/<int:document_id>/", views.start, name="session_start"),
    path("<uuid:token>/", views.session_page, name="session"),
    path("<uuid:token>/tai-lieu.pdf", views.prepared_pdf, name="session_prepared"),
    path("<uuid:token>/hoan-tat/", views.complete, name="session_complete"),
    path("<uuid:token>/ky-tu-xa/", views.remote, name="session_remote"),
]
