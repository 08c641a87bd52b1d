from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("tai-khoan/", views.profile, name="profile"),
    path("can-bo/", views.user_list, name="user_list"),
    path("can-bo/tao/", views.user_create, name="user_create"),
    path("can-bo/<int:pk>/", views.user_detail, name="user_detail"),
    path("can-bo/<int:pk>/<slug:action>/", views.user_action, name="user_action"),
    path("don-vi-theo-co-quan/", views.units_for_agency, name="units_for_agency"),
]
