"""How delegations read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import DelegationScope

sentences.detail_labels(
    "delegation.",
    {
        "delegator": _("Người ủy quyền"),
        "delegate": _("Người được ủy quyền"),
        "scope": _("Phạm vi"),
        "starts_on": _("Từ ngày"),
        "ends_on": _("Đến hết ngày"),
        "reason": _("Lý do"),
    },
    values={"scope": DelegationScope},
)


def _created(facts) -> str:
    text = gettext(
        "%(who)s ghi nhận ủy quyền: %(delegator)s ủy quyền cho %(delegate)s %(scope)s từ %(starts_on)s "
        "đến hết %(ends_on)s"
    ) % {**facts, "scope": facts["scope"].lower()}
    if facts["reason"]:
        text += gettext(", lý do: %(reason)s") % facts
    return text


register(
    "delegation.create",
    _created,
    hidden=_("%(who)s ghi nhận một ủy quyền"),
    label=_("Ủy quyền"),
    prefetch=sentences.names("accounts.user", "delegator", "delegate", attr="full_name"),
)
register(
    "delegation.revoke",
    compose(_("%(who)s thu hồi ủy quyền “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s thu hồi một ủy quyền"),
    label=_("Thu hồi ủy quyền"),
)
register(
    "delegation.expire",
    _("Ủy quyền “%(object)s” hết hạn"),
    hidden=_("Một ủy quyền hết hạn"),
    label=_("Ủy quyền hết hạn"),
)
