"""The clerk's outgoing screens (clerk_views.py), in the "outgoing" namespace under /van-ban-di/."""

from django.urls import path

from . import clerk_views

urlpatterns = [
    path("cho-phat-hanh/", clerk_views.to_issue, name="to_issue"),
    path("<int:pk>/phat-hanh/", clerk_views.issue, name="issue"),
    path("so-van-ban-di/", clerk_views.register, name="register"),
    path("so-van-ban-di/xuat.<str:fmt>", clerk_views.register_export, name="register_export"),
    path("den-cho-tiep-nhan/", clerk_views.deliveries, name="deliveries"),
    path("thu-hoi/", clerk_views.recalls, name="recalls"),
    path("<int:pk>/thu-hoi/", clerk_views.recall, name="recall"),
]
