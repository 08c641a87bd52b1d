"""Topics (nhóm thông báo): what a person chooses channels for. Every notification belongs to one.

A topic names the channels it uses for a person who has not chosen (the in-app channel is always on). The three
topics below cover today's notifications; an app with notifications of another nature registers its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    help: str
    default_channels: frozenset[str] = frozenset()  # optional channels on for a person who has not chosen


_topics: dict[str, Topic] = {}


def register(topic: Topic) -> Topic:
    if topic.code in _topics:
        raise ValueError(f"Nhóm thông báo “{topic.code}” đã được khai báo.")
    _topics[topic.code] = topic
    return topic


def get(code: str) -> Topic:
    return _topics[code]


def every() -> list[Topic]:
    return list(_topics.values())


WORK = register(
    Topic(
        "work",
        _("Việc cần xử lý"),
        _("Văn bản được giao, dự thảo chờ duyệt hoặc bị trả lại, xin ý kiến, văn bản chờ tiếp nhận, cấp số, thu hồi."),
        frozenset({"push"}),
    )
)
REMINDER = register(
    Topic(
        "reminder",
        _("Nhắc hạn"),
        _("Văn bản, dự thảo sắp đến hạn hoặc quá hạn xử lý; chứng thư số sắp hết hạn."),
        frozenset({"email", "push"}),
    )
)
NEWS = register(
    Topic("news", _("Thông tin"), _("Dự thảo được duyệt, ý kiến được trả lời, văn bản bị từ chối tiếp nhận; ủy quyền."))
)
