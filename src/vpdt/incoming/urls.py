from django.urls import path
from django.views.generic import RedirectView

from . import followup_views, register_views, views

app_name = "incoming"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("vao-so/", views.register_create, name="create"),
    path("viec-cua-toi/", views.my_work, name="my_work"),
    path("goi-y-co-quan-ban-hanh/", views.issuer_suggestions, name="issuer_suggestions"),
    path("don-doc/", followup_views.late_units, name="late_units"),
    # The notifications screen moved to its own app (/thong-bao/): old links and bookmarks still lead there.
    path("thong-bao/", RedirectView.as_view(pattern_name="notifications:list", query_string=True, permanent=True)),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tep/<int:att_pk>/", views.download, name="download"),
    path("<int:pk>/tep/<int:att_pk>/kiem-tra/", views.verify, name="verify"),
    path("<int:pk>/trinh/", views.submit, name="submit"),
    path("<int:pk>/chi-dao/", views.direct, name="direct"),
    path("<int:pk>/tra-loi/", views.request_reply, name="request_reply"),
    path("phan-cong/<int:apk>/giao/", views.distribute, name="distribute"),
    path("phan-cong/<int:apk>/chuyen/", views.reassign, name="reassign"),
    path("phan-cong/<int:apk>/tra-lai/", views.return_to_leader, name="return_to_leader"),
    path("phan-cong/<int:apk>/cap-nhat/", views.add_note, name="add_note"),
    path("phan-cong/<int:apk>/hoan-thanh/", views.complete, name="complete"),
    path("phan-cong/<int:apk>/da-xem/", views.mark_read, name="mark_read"),
]

urlpatterns += [
    path("so/", register_views.register_admin_list, name="registers"),
    path("so/them/", register_views.register_admin_create, name="register_add"),
    path("so/<int:rpk>/sua/", register_views.register_admin_edit, name="register_edit"),
    path("so/<int:rpk>/mac-dinh/", register_views.register_admin_set_default, name="register_default"),
    path("so/<int:rpk>/ngung/", register_views.register_admin_deactivate, name="register_deactivate"),
    path("so/<int:rpk>/dung-lai/", register_views.register_admin_activate, name="register_activate"),
]
