from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "vpdt.collab.boards"
    label = "boards"
    verbose_name = "Thông báo và bảng tin"

    def ready(self):
        from django.db.models.signals import post_save
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from vpdt.core import banners, menu, work
        from vpdt.directory.models import Agency
        from vpdt.notifications import links

        from . import policies, queries, services  # noqa: F401
        from .models import Announcement, Post

        post_save.connect(services.boards_for_new_agency, sender=Agency, dispatch_uid="boards_for_new_agency")
        links.register(Announcement, "boards:announcement")
        links.register(Post, lambda post: services.post_url(post))
        banners.register("boards/_banner.html", queries.banner)
        in_agency = lambda scope: scope.agency_id is not None  # noqa: E731
        work.register(
            work.Queue(
                queries.UNREAD_QUEUE,
                pgettext_lazy("announcements", "Thông báo chưa đọc"),
                "boards:announcements",
                queries.unread,
                applies=in_agency,
                icon="bi-megaphone",
                home=False,
                waiting=False,
            )
        )
        menu.register(
            "boards.announcements",
            section="collab",
            label=pgettext_lazy("announcements", "Thông báo"),
            url="boards:announcements",
            order=30,
            shown=in_agency,
            queue=queries.UNREAD_QUEUE,
        )
        menu.register(
            "boards.boards", section="collab", label=_("Bảng tin"), url="boards:boards", order=31, shown=in_agency
        )
