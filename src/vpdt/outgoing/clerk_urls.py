from django.urls import path

from . import clerk_views

urlpatterns = [
    path("cho-phat-hanh/", clerk_views.to_issue, name="to_issue"),
]
