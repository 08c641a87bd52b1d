"""Addresses of the published weekly calendar, the agency's public page and calendar feeds (included by the app's
urls, in its namespace)."""

from django.urls import path

from . import public_views, publish_views

urlpatterns = [
    path("phat-hanh/", publish_views.publishing_page, name="publishing"),
    path("phat-hanh/phat-hanh-tuan/", publish_views.publish, name="publish"),
    path("phat-hanh/<int:pk>/", publish_views.published, name="published"),
    path("phat-hanh/<int:pk>/pdf/", publish_views.published_pdf, name="published_pdf"),
    path("phat-hanh/<int:pk>/xlsx/", publish_views.published_xlsx, name="published_xlsx"),
    path("dong-bo/", publish_views.feeds, name="feeds"),
    path("dong-bo/<int:pk>/thu-hoi/", publish_views.revoke_feed, name="revoke_feed"),
    path("cong-khai/<str:code>/", public_views.public_week, name="public_week"),
    path("ical/<str:token>.ics", public_views.feed, name="feed"),
]
