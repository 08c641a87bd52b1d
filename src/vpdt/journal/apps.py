from django.apps import AppConfig
from django.core import checks


class JournalConfig(AppConfig):
    name = "vpdt.journal"
    label = "journal"
    verbose_name = "Nhật ký hệ thống"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from vpdt.core import fsm, menu
        from vpdt.core.roles import Role

        from . import policies, sentences, services  # noqa: F401

        fsm.journal_with(services.record, services.record_each)
        menu.register(
            "journal.list", section="admin", label=_("Nhật ký hệ thống"), url="journal:list", order=30,
            shown=lambda scope: scope.is_admin or scope.has_role(Role.IT_OFFICER),
        )  # fmt: skip

        sentences.autodiscover()  # every app's journal.py: how its actions read
        checks.register(journal_key, checks.Tags.security)


def journal_key(app_configs, **kwargs):
    """A wrong journal key would refuse every journaled action: say so when vpdt starts or migrates."""
    from django.core.exceptions import ImproperlyConfigured

    from . import keys

    try:
        keys.keyring()
    except (ImproperlyConfigured, OSError) as exc:
        return [
            checks.Error(
                f"Khóa nhật ký không dùng được: {exc}", id="vpdt.journal.E001", hint="Xem README, mục Khóa nhật ký."
            )
        ]
    return []
