"""How conversations read in the journal (see :mod:`vpdt.journal.sentences`). Messages are not journaled."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

sentences.detail_labels(
    "chat.",
    {
        "person": _("Người trò chuyện"),
        "members": _("Thành viên"),
        "member": _("Thành viên"),
        "manager": _("Trưởng nhóm mới"),
    },
)

register(
    "chat.direct",
    _("%(who)s bắt đầu trò chuyện riêng với %(person)s"),
    hidden=_("%(who)s bắt đầu một cuộc trò chuyện riêng"),
    label=_("Bắt đầu trò chuyện riêng"),
)
register(
    "chat.create",
    _("%(who)s lập nhóm hội thoại “%(object)s” gồm %(members)s"),
    hidden=_("%(who)s lập một nhóm hội thoại"),
    label=_("Lập nhóm hội thoại"),
)
register(
    "chat.add",
    _("%(who)s thêm %(members)s vào nhóm hội thoại “%(object)s”"),
    hidden=_("%(who)s thêm thành viên vào một nhóm hội thoại"),
    label=_("Thêm thành viên nhóm hội thoại"),
)
register(
    "chat.remove",
    _("%(who)s mời %(member)s ra khỏi nhóm hội thoại “%(object)s”"),
    hidden=_("%(who)s mời một thành viên ra khỏi nhóm hội thoại"),
    label=_("Bớt thành viên nhóm hội thoại"),
)
register(
    "chat.leave",
    compose(_("%(who)s rời nhóm hội thoại “%(object)s”"), ("manager", _("; %(manager)s trở thành trưởng nhóm"))),
    hidden=_("%(who)s rời một nhóm hội thoại"),
    label=_("Rời nhóm hội thoại"),
)
