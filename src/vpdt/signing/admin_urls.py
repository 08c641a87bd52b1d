"""Signing administration screens, under /ky-so/ (namespace "signing")."""

from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("", views.credential_list, name="credentials"),
    path("chung-thu/them-p12/", views.register_p12, name="register_p12"),
    path("chung-thu/them-chung-thu/", views.register_certificate, name="register_certificate"),
    path("chung-thu/<int:pk>/", views.credential_detail, name="credential"),
    path("chung-thu/<int:pk>/ngung/", views.credential_deactivate, name="deactivate"),
    path("goc-tin-cay/", views.trust_roots, name="trust_roots"),
    path("goc-tin-cay/<int:pk>/trang-thai/", views.trust_root_toggle, name="trust_root_toggle"),
    path("hinh/", views.images, name="images"),
    path("hinh/<int:pk>.png", views.image_png, name="image_png"),
    path("chinh-sach/", views.policy, name="policy"),
]
