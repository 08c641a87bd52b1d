from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from vpdt.accounts import api as accounts_api
from vpdt.backups import api as backups_api
from vpdt.collab.boards import api as boards_api
from vpdt.collab.calendar import api as calendar_api
from vpdt.collab.calendar import publish_api as calendar_publish_api
from vpdt.collab.chat import api as chat_api
from vpdt.collab.mail import api as mail_api
from vpdt.collab.orders import api as orders_api
from vpdt.collab.polls import api as polls_api
from vpdt.collab.sms import api as sms_api
from vpdt.core import pwa
from vpdt.core import views as core_views
from vpdt.core.routers import Router
from vpdt.delegation import api as delegation_api
from vpdt.digitize import api as digitize_api
from vpdt.directory import api as directory_api
from vpdt.dossiers import api as dossiers_api
from vpdt.exchange import api as exchange_api
from vpdt.incoming import api as incoming_api
from vpdt.incoming.exports_views import export_urls as incoming_export_urls
from vpdt.journal import api as journal_api
from vpdt.notifications import api as notifications_api
from vpdt.outgoing import api as outgoing_api
from vpdt.search import api as search_api
from vpdt.signing import routes as signing_routes

_swagger = SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/api_docs.html")


def api_docs(request, *args, **kwargs):
    """The API's documentation page: a person not signed in is sent to the login page first (the schema it
    loads answers 401 to them), unless the operator publishes both (VPDT_API_SCHEMA_PUBLIC)."""
    if not settings.VPDT_API_SCHEMA_PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _swagger(request, *args, **kwargs)


router = Router()  # object ids in API paths: ASCII digits
router.register("agencies", directory_api.AgencyViewSet, basename="agency")
router.register("units", directory_api.UnitViewSet, basename="unit")
router.register("positions", directory_api.PositionViewSet, basename="position")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("journal", journal_api.JournalViewSet, basename="journal")
router.register("backups", backups_api.BackupViewSet, basename="backup")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
router.register("incoming-registers", incoming_api.IncomingRegisterViewSet, basename="incoming-register")
router.register("incoming-documents", incoming_api.IncomingDocumentViewSet, basename="incoming-document")
router.register("incoming-assignments", incoming_api.IncomingAssignmentViewSet, basename="incoming-assignment")
router.register("dossiers", dossiers_api.DossierViewSet, basename="dossier")
router.register("delegations", delegation_api.DelegationViewSet, basename="delegation")
router.register("dossier-items", dossiers_api.DossierItemViewSet, basename="dossier-item")
router.register("outgoing-documents", outgoing_api.OutgoingDocumentViewSet, basename="outgoing-document")
router.register("outgoing-consultations", outgoing_api.OutgoingConsultationViewSet, basename="outgoing-consultation")
router.register("outgoing-deliveries", outgoing_api.OutgoingDeliveryViewSet, basename="outgoing-delivery")
router.register("review-chains", outgoing_api.ReviewChainViewSet, basename="review-chain")
signing_routes.register(router)
router.register("search", search_api.SearchViewSet, basename="search")
router.register("tasks", orders_api.TaskViewSet, basename="task")
router.register("saved-searches", search_api.SavedSearchViewSet, basename="saved-search")
router.register("digitizations", digitize_api.DigitizationViewSet, basename="digitization")
router.register("exchange-arrivals", exchange_api.ExchangeArrivalViewSet, basename="exchange-arrival")
router.register("exchange-messages", exchange_api.ExchangeMessageViewSet, basename="exchange-message")
router.register("sms-messages", sms_api.SmsMessageViewSet, basename="sms-message")
router.register("sms-grants", sms_api.SmsGrantViewSet, basename="sms-grant")
router.register("mail-entries", mail_api.MailEntryViewSet, basename="mail-entry")
router.register("mail-messages", mail_api.MailMessageViewSet, basename="mail-message")
router.register("mail-attachments", mail_api.MailAttachmentViewSet, basename="mail-attachment")
router.register("mail-folders", mail_api.MailFolderViewSet, basename="mail-folder")
router.register("announcements", boards_api.AnnouncementViewSet, basename="announcement")
router.register("boards", boards_api.BoardViewSet, basename="board")
router.register("board-posts", boards_api.PostViewSet, basename="board-post")
router.register("board-members", boards_api.BoardMemberViewSet, basename="board-member")
router.register("chat-conversations", chat_api.ConversationViewSet, basename="chat-conversation")
router.register("polls", polls_api.PollViewSet, basename="poll")
router.register("poll-grants", polls_api.PollGrantViewSet, basename="poll-grant")
router.register("poll-deadline-requests", polls_api.PollDeadlineRequestViewSet, basename="poll-deadline-request")
router.register("calendar-entries", calendar_api.EntryViewSet, basename="calendar-entry")
router.register("calendar-rooms", calendar_api.RoomViewSet, basename="calendar-room")
router.register("calendar-grants", calendar_api.GrantViewSet, basename="calendar-grant")
router.register("calendar-weeks", calendar_publish_api.PublishedWeekViewSet, basename="calendar-week")

api_v1 = [
    path("auth/login/", accounts_api.LoginAPI.as_view(), name="api-login"),
    path("auth/logout/", accounts_api.LogoutAPI.as_view(), name="api-logout"),
    path("auth/password/", accounts_api.PasswordChangeAPI.as_view(), name="api-password"),
    path("me/", accounts_api.MeAPI.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
    path("hub/", include("vpdt.exchange.hub_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("vpdt.core.urls")),
    path("", include("vpdt.accounts.urls")),
    path("danh-ba/", include("vpdt.directory.urls")),
    path("nhat-ky/", include("vpdt.journal.urls")),
    path("thong-bao/", include("vpdt.notifications.urls")),
    path("van-ban-den/", include("vpdt.incoming.urls")),
    path("", include(incoming_export_urls)),
    path("ho-so/", include("vpdt.dossiers.urls")),
    path("van-ban-di/", include("vpdt.outgoing.urls")),
    path("uy-quyen/", include("vpdt.delegation.urls")),
    path("ky-so/", include("vpdt.signing.urls")),
    path("tim-kiem/", include("vpdt.search.urls")),
    path("so-hoa/", include("vpdt.digitize.urls")),
    path("lien-thong/", include("vpdt.exchange.urls")),
    path("tin-nhan/", include("vpdt.collab.sms.urls")),
    path("thu-noi-bo/", include("vpdt.collab.mail.urls")),
    path("tin-dieu-hanh/", include("vpdt.collab.boards.urls")),
    path("hoi-thoai/", include("vpdt.collab.chat.urls")),
    path("giao-viec/", include("vpdt.collab.orders.urls")),
    path("lay-y-kien/", include("vpdt.collab.polls.urls")),
    path("lich-cong-tac/", include("vpdt.collab.calendar.urls")),
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
    path("django-admin/", admin.site.urls),
]

handler400 = "vpdt.core.views.bad_request"
handler403 = "vpdt.core.views.permission_denied"
handler404 = "vpdt.core.views.page_not_found"
handler500 = "vpdt.core.views.server_error"
