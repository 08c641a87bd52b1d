from django.urls import path

from . import views
from .models import Box
from .queries import TRASH

app_name = "internalmail"
urlpatterns = [
    path("", views.box_list, {"code": Box.INBOX}, name="inbox"),
    path("da-gui/", views.box_list, {"code": Box.SENT}, name="sent"),
    path("nhap/", views.box_list, {"code": Box.DRAFTS}, name="drafts"),
    path("thung-rac/", views.box_list, {"code": TRASH}, name="trash"),
    path("soan/", views.compose, name="compose"),
    path("thu-muc/tao/", views.folder_create, name="folder_create"),
    path("thu-muc/<int:folder_pk>/", views.folder_list, name="folder"),
    path("thu-muc/<int:folder_pk>/doi-ten/", views.folder_action, {"action": "rename"}, name="folder_rename"),
    path("thu-muc/<int:folder_pk>/xoa/", views.folder_action, {"action": "delete"}, name="folder_delete"),
    path("<int:pk>/", views.open_message, name="open"),
    path("<int:pk>/sua-nhap/", views.edit_draft, name="draft"),
    path("<int:pk>/tra-loi/", views.reply, name="reply"),
    path("<int:pk>/chuyen-tiep/", views.forward, name="forward"),
    path("<int:pk>/tep/<int:att_pk>/", views.download, name="download"),
    path("<int:pk>/chua-doc/", views.entry_action, {"action": "unread"}, name="mark_unread"),
    path("<int:pk>/chuyen-thu-muc/", views.entry_action, {"action": "move"}, name="move"),
    path("<int:pk>/thung-rac/", views.entry_action, {"action": "trash"}, name="trash_entry"),
    path("<int:pk>/khoi-phuc/", views.entry_action, {"action": "restore"}, name="restore"),
    path("<int:pk>/xoa-han/", views.entry_action, {"action": "delete"}, name="delete"),
]
