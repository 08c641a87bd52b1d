"""How stored files read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal.sentences import register

register(
    "storage.store",
    _("%(who)s lưu tệp “%(object)s” (%(size)s byte)"),
    hidden=_("%(who)s lưu một tệp"),
    label=_("Lưu tệp"),
)
