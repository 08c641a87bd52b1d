from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("den/", views.arrival_list, name="arrivals"),
    path("den/<int:pk>/tep/<int:index>/", views.arrival_file, name="arrival_file"),
    path("den/<int:pk>/tiep-nhan/", views.register, name="register"),
    path("den/<int:pk>/tu-choi/", views.refuse, name="refuse"),
]
