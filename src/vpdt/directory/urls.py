from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("co-quan/", views.agency_list, name="agency_list"),
    path("co-quan/them/", views.agency_create, name="agency_create"),
    path("co-quan/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("co-quan/<int:pk>/sua/", views.agency_edit, name="agency_edit"),
    path("co-quan/<int:agency_pk>/don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("can-bo/<int:user_pk>/chuc-vu/them/", views.position_create, name="position_create"),
    path("chuc-vu/<int:pk>/ket-thuc/", views.position_end, name="position_end"),
]
