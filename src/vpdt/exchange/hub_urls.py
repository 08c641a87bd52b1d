from django.urls import path

from . import hub_views

app_name = "hub"
urlpatterns = [
    path("send/", hub_views.send, name="send"),
    path("pending/", hub_views.pending, name="pending"),
    path("messages/<str:pk>/", hub_views.message, name="message"),
    path("messages/<str:pk>/confirm/", hub_views.confirm, name="confirm"),
    path("organizations/", hub_views.organizations, name="organizations"),
]
