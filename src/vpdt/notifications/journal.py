"""How changes of notification preferences read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from . import channels, topics


def _pairs(value) -> str:
    """“Nhắc hạn qua Thư điện tử” for "reminder:email" (codes no longer known are shown as recorded)."""
    if not isinstance(value, (list, tuple)):
        return sentences.show(value)
    told = []
    for item in value:
        topic, _sep, channel = str(item).partition(":")
        try:
            told.append(
                gettext("%(topic)s qua %(channel)s")
                % {"topic": topics.get(topic).label, "channel": str(channels.get(channel).label).lower()}
            )
        except KeyError:
            told.append(str(item))
    return ", ".join(told)


sentences.detail_labels(
    "notifications.",
    {"enabled": _("Bật"), "disabled": _("Tắt"), "device": _("Thiết bị")},
    values={"enabled": _pairs, "disabled": _pairs},
)

register(
    "notifications.preferences",
    compose(
        _("%(who)s đổi cách nhận thông báo"),
        ("enabled", _(", bật: %(enabled)s")),
        ("disabled", _(", tắt: %(disabled)s")),
    ),
    hidden=_("%(who)s đổi cách nhận thông báo"),
    label=_("Đổi cách nhận thông báo"),
)
register(
    "notifications.push_on",
    compose(_("%(who)s bật thông báo đẩy"), ("device", _(" trên %(device)s"))),
    hidden=_("%(who)s bật thông báo đẩy trên một thiết bị"),
    label=_("Bật thông báo đẩy"),
)
register(
    "notifications.push_off",
    compose(_("%(who)s tắt thông báo đẩy"), ("device", _(" trên %(device)s"))),
    hidden=_("%(who)s tắt thông báo đẩy trên một thiết bị"),
    label=_("Tắt thông báo đẩy"),
)
