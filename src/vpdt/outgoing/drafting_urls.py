from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_drafts, name="my_drafts"),
    path("cho-duyet/", views.reviews, name="reviews"),
    path("soan-thao/", views.create, name="create"),
    path("y-kien/<int:cpk>/", views.answer, name="answer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/so-sanh/", views.diff, name="diff"),
    path("<int:pk>/tep/<int:file_pk>/", views.download, name="download"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/sua-noi-dung/", views.revise, name="revise"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("<int:pk>/dong-y/", views.approve, name="approve"),
    path("<int:pk>/tra-lai/", views.return_, name="return"),
    path("<int:pk>/xin-y-kien/", views.consult, name="consult"),
    path("<int:pk>/gop-y/", views.comment, name="comment"),
    path("<int:pk>/xac-nhan/", views.confirm, name="confirm"),
]
