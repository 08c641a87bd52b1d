from django.urls import path

from . import views

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("lap-moi/", views.dossier_create, name="create"),
    path("danh-muc/", views.file_list, name="file_list"),
    path("danh-muc/<int:year>.xlsx", views.file_list_xlsx, name="file_list_xlsx"),
    path("van-ban-den/<int:doc_pk>/", views.incoming_panel, name="incoming_panel"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.dossier_edit, name="edit"),
    path("<int:pk>/chuyen/<str:action>/", views.dossier_transition, name="transition"),
    path("<int:pk>/rut/<int:item_pk>/", views.remove_item, name="remove_item"),
    path("<int:pk>/xuat.<str:fmt>", views.export, name="export"),
]
