"""Journal entries told as Vietnamese sentences, with their details as a short labelled list.

Each app says, in its own ``journal.py`` (imported by :func:`autodiscover` when the journal app is ready), how the
actions it records read::

    sentences.register(
        "outgoing.delivery.receive",
        _("%(who)s tiếp nhận %(doc)s của %(sender)s, vào sổ văn bản đến của %(recipient)s"),
        hidden=_("%(who)s tiếp nhận một văn bản đi"), label=_("Tiếp nhận, vào sổ"), prefetch=...)

so the journal never imports a document app. The sentence is a ``%``-template (or a function of :class:`Facts`)
over ``who`` (the actor, and on whose behalf), ``object`` (the entry's ``object_repr``), ``object_label`` (the kind
of object), every key of ``details`` (shown as text) and what the registration's ``prefetch`` adds. ``hidden`` is
what the entry says to a reader who may not see its content (see :mod:`.policies`): it may name ``who`` and
nothing else, so neither the object's name nor the details can leak through it. ``label`` is the action's short
name (what the document trails show).

An action nobody registered still reads as Vietnamese (“… thực hiện một thao tác (văn bản đến) …”), never with its
code; a test scans the code base and fails on any recorded action without a sentence.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

Text = str  # a str or a lazy translation
Describe = Callable[["Facts"], str]


@dataclass(frozen=True)
class Sentence:
    text: Text | Describe
    hidden: Text
    label: Text | Describe
    details: Mapping[str, Text | None] = field(default_factory=dict)  # None: not shown
    values: Mapping[str, Callable | type[TextChoices]] = field(default_factory=dict)
    prefetch: Callable[[list[Facts]], None] | None = None
    diff: bool = False  # details are changes, field: [old, new] or {"from": old, "to": new}


_sentences: dict[str, Sentence] = {}
_prefix_labels: dict[str, dict] = {}
_prefix_values: dict[str, dict] = {}

# Details keys that read the same whatever the action; apps add theirs with detail_labels().
BASE_LABELS = {
    "reason": _("Lý do"),
    "note": _("Ghi chú"),
    "from": _("Trạng thái trước"),
    "to": _("Trạng thái sau"),
    "files": _("Tệp"),
    "file": _("Tệp"),
    "name": _("Tên"),
    "code": _("Mã"),
    "title": _("Tiêu đề"),
    "subject": _("Trích yếu"),
    "text": _("Nội dung"),
    "comment": _("Ý kiến"),
    "format": _("Định dạng"),
    "filename": _("Tên tệp"),
    "date_from": _("Từ ngày"),
    "date_to": _("Đến ngày"),
    "year": _("Năm"),
    "sha256": _("Mã băm SHA-256"),
    "size": _("Dung lượng (byte)"),
    "username": _("Tên đăng nhập"),
    "status": _("Trạng thái"),
    "deadline": _("Hạn xử lý"),
    "ip": _("Địa chỉ IP"),
}


# The actions by their first word: the journal screen's filter offers these, and an action nobody registered is
# labelled by its group.
GROUPS = {
    "auth": _("Đăng nhập, đăng xuất"),
    "account": _("Tài khoản người dùng"),
    "security": _("An toàn thông tin"),
    "directory": _("Danh bạ cơ quan, đơn vị"),
    "delegation": _("Ủy quyền"),
    "incoming": _("Văn bản đến"),
    "outgoing": _("Văn bản đi"),
    "exchange": _("Liên thông văn bản"),
    "dossier": _("Hồ sơ công việc"),
    "signing": _("Chữ ký số"),
    "digitize": _("Số hóa"),
    "storage": _("Tệp lưu trữ"),
    "notifications": _("Thông báo"),
    "sms": _("Tin nhắn SMS"),
    "internalmail": _("Thư nội bộ"),
    "chat": _("Hội thoại"),
    "backup": _("Sao lưu dữ liệu"),
    "journal": _("Nhật ký hệ thống"),
    "sampledata": _("Dữ liệu mẫu"),
}
OTHER = _("Thao tác khác")


def register_group(prefix: str, name: Text) -> None:
    """The group (a heading of the journal's filter) of the actions whose first word is ``prefix``, for an app
    above the journal (“Thông báo và bảng tin” for ``boards.…``)."""
    GROUPS[prefix] = name


def group_of(action: str) -> str:
    """The name of the group of ``action`` (“Văn bản đến” for ``incoming.direct``), or "" for none."""
    name = GROUPS.get((action or "").split(".", 1)[0])
    return str(name) if name else ""


def register(
    action: str,
    text: Text | Describe,
    *,
    hidden: Text,
    label: Text | Describe,
    details: Mapping[str, Text | None] | None = None,
    values: Mapping | None = None,
    prefetch: Callable[[list[Facts]], None] | None = None,
    diff: bool = False,
) -> None:
    """Say how ``action`` reads (see the module docstring). ``details`` labels its details keys (None hides one),
    ``values`` shows a key's value (a TextChoices class or a function of the value), ``prefetch(facts)`` adds to
    ``Facts.extra`` of the entries of a page at once (names looked up in one query). ``diff``: the details are
    changes of the object's fields (labelled by the fields' names), each shown “old → new”."""
    if action in _sentences:
        raise ValueError(f"Hành động “{action}” đã có câu nhật ký.")
    _sentences[action] = Sentence(text, hidden, label, dict(details or {}), dict(values or {}), prefetch, diff)


def detail_labels(prefix: str, labels: Mapping[str, Text | None], values: Mapping | None = None) -> None:
    """Labels (and value formats) of the details keys of every action starting with ``prefix``."""
    _prefix_labels.setdefault(prefix, {}).update(labels)
    _prefix_values.setdefault(prefix, {}).update(values or {})


def registered() -> frozenset[str]:
    return frozenset(_sentences)


def autodiscover() -> None:
    autodiscover_modules("journal")


# ---------------------------------------------------------------------------------------------- values


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def when(value) -> str:
    """A date as dd/mm/yyyy, a moment as dd/mm/yyyy HH:MM in Vietnam time (ISO text, as details keep them)."""
    if isinstance(value, str):
        if _DATE.match(value):
            value = dt.date.fromisoformat(value)
        elif _DATETIME.match(value):
            value = dt.datetime.fromisoformat(value)
        else:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def show(value) -> str:
    """A details value as short text: dates in dd/mm/yyyy, yes/no, lists joined; "" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return when(value)
    if isinstance(value, dict):
        if set(value) == {"from", "to"}:
            return change([value["from"], value["to"]])
        return "; ".join(f"{key}: {show(item)}" for key, item in value.items() if show(item))
    if isinstance(value, (list, tuple)):
        parts = [show(item) for item in value]
        return ("; " if any(isinstance(item, (dict, list)) for item in value) else ", ").join(p for p in parts if p)
    return str(value)


def change(value) -> str:
    """A change kept as ``[old, new]`` or ``{"from": old, "to": new}``: “old → new”."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        value = [value["from"], value["to"]]
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{show(value[0]) or '—'} → {show(value[1]) or '—'}"
    return show(value)


def choice(choices: type[TextChoices], value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return show(value)


def count(value) -> str:
    """The number of items of a list (ids nobody reads), or the value."""
    return str(len(value)) if isinstance(value, (list, tuple)) else show(value)


def person(text: str) -> str:
    """“Lê Thị Hồng Nhung” for the journal's “lthnhung (Lê Thị Hồng Nhung)”."""
    match = re.fullmatch(r"\S+ \((.+)\)", text or "")
    return match.group(1) if match else (text or "")


@lru_cache(maxsize=256)
def object_label(object_type: str) -> str:
    """“văn bản đến” for ``incoming.incomingdocument``: the model's Vietnamese name, else “đối tượng”."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return gettext("đối tượng") if object_type else ""


def _field_label(object_type: str, key: str) -> str | None:
    try:
        return str(apps.get_model(object_type)._meta.get_field(key).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):  # AttributeError: a reverse relation
        return None


# ---------------------------------------------------------------------------------------------- facts


class Facts(Mapping):
    """What a sentence may say about an entry it may show whole: ``facts["key"]`` is a details value as text."""

    def __init__(self, entry, sentence: Sentence | None):
        self.entry = entry
        self.sentence = sentence
        self.details = entry.details if isinstance(entry.details, dict) else {}
        self.extra: dict[str, str] = {}

    @property
    def who(self) -> str:
        return who(self.entry)

    def text(self, key: str) -> str:
        """The value of ``key`` as shown: what prefetch found, else the details value in its format."""
        if key in self.extra:
            return self.extra[key]
        return _value(self.entry.action, key, self.details.get(key))

    def present(self, key: str) -> bool:
        """Whether ``key`` has something to say (a details value False, 0 or empty has not)."""
        if key in self.extra:
            return bool(self.extra[key])
        if key in self.details:
            return bool(self.details[key]) and bool(self.text(key))
        return bool(self[key])

    def __getitem__(self, key: str) -> str:
        if key == "who":
            return self.who
        if key == "object":
            return self.entry.object_repr or ""
        if key == "object_label":
            return object_label(self.entry.object_type)
        if key == "ip" and not self.details.get("ip"):
            return self.entry.ip or ""
        return self.text(key)

    def __iter__(self):
        return iter(("who", "object", "object_label", *self.details, *self.extra))

    def __len__(self) -> int:
        return len(list(iter(self)))


def who(entry) -> str:
    """“Nguyễn Văn Hùng” or “Nguyễn Văn Hùng, thay mặt Trần Thị Thu Hà,” (ready to be followed by a verb)."""
    actor = person(entry.actor_repr) or gettext("Hệ thống")
    if entry.on_behalf_of_repr:
        return gettext("%(actor)s, thay mặt %(principal)s,") % {
            "actor": actor,
            "principal": person(entry.on_behalf_of_repr),
        }
    return actor


def _by_prefix(table: dict, action: str, key: str):
    for prefix in sorted((p for p in table if action.startswith(p)), key=len, reverse=True):
        if key in table[prefix]:
            return True, table[prefix][key]
    return False, None


def _formatter(action: str, key: str):
    sentence = _sentences.get(action)
    if sentence is not None and key in sentence.values:
        return sentence.values[key]
    return _by_prefix(_prefix_values, action, key)[1]


def _value(action: str, key: str, value) -> str:
    formatter = _formatter(action, key)
    if formatter is None:
        return change(value) if getattr(_sentences.get(action), "diff", False) else show(value)
    if value is None or value == "":
        return ""
    if isinstance(formatter, type) and issubclass(formatter, TextChoices):
        return choice(formatter, value)
    return formatter(value)


def _explicit(action: str, key: str) -> tuple[bool, Text | None]:
    sentence = _sentences.get(action)
    if sentence is not None and key in sentence.details:
        return True, sentence.details[key]
    found, text = _by_prefix(_prefix_labels, action, key)
    if found:
        return True, text
    if key in BASE_LABELS:
        return True, BASE_LABELS[key]
    return False, None


def is_labelled(action: str, key: str) -> bool:
    """Whether the registrations say how ``key`` of ``action``'s details reads (or that it is not shown)."""
    return _explicit(action, key)[0]


def label_of(action: str, key: str, object_type: str = "") -> str | None:
    """The label of a details key of ``action`` (else the field's name on the entry's model, else the key);
    None when the key is not shown."""
    found, text = _explicit(action, key)
    if found:
        return None if text is None else str(text)
    return (_field_label(object_type, key) if object_type else None) or key.replace("_", " ")


# ---------------------------------------------------------------------------------------------- reading


# An action nobody registered (an entry of another version): still a sentence with the person, never its code.
GENERIC = _("%(who)s thực hiện một thao tác (%(group)s) trên %(object_label)s %(object)s")
GENERIC_NO_OBJECT = _("%(who)s thực hiện một thao tác (%(group)s)")
GENERIC_HIDDEN = _("%(who)s thực hiện một thao tác (%(group)s) trên một %(object_label)s")
HIDDEN = _("%(sentence)s (nội dung không hiển thị)")


def _generic(entry, visible: bool) -> str:
    mapping = {
        "who": who(entry),
        "group": group_of(entry.action).lower() or gettext("chưa phân loại"),
        "object_label": object_label(entry.object_type),
        "object": entry.object_repr if visible else "",
    }
    if not entry.object_type:
        return str(GENERIC_NO_OBJECT) % mapping
    if not visible:
        return str(HIDDEN) % {"sentence": str(GENERIC_HIDDEN) % mapping}
    return (str(GENERIC) % mapping).rstrip()


def compose(template: Text, *optional: tuple[str, Text]) -> Describe:
    """A sentence: ``template``, then each ``(key, more)`` of ``optional`` whose value is present (“, lý do: …”)."""

    def describe(facts: Facts) -> str:
        text = str(template) % facts
        for key, more in optional:
            if facts.present(key):
                text += str(more) % facts
        return text

    return describe


def _render(facts: Facts) -> str:
    text = facts.sentence.text
    return text(facts) if callable(text) else str(text) % facts


def describe(entry, *, visible: bool) -> str:
    """The sentence of one entry (for a page of them, :func:`annotate` looks names up once)."""
    return annotate([entry], visible=visible)[0].sentence


def _sentence(facts: Facts, visible: bool) -> str:
    entry, sentence = facts.entry, facts.sentence
    if sentence is None:
        return _generic(entry, visible)
    if not visible:
        return str(HIDDEN) % {"sentence": str(sentence.hidden) % {"who": who(entry)}}
    try:
        text = _render(facts)
        return text[:1].upper() + text[1:]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        # An entry written by an older version with other details: still a sentence, never a broken page.
        log.exception("Câu nhật ký của mục #%s (%s) không dựng được", entry.seq, entry.action)
        return _generic(entry, visible)


def label(entry) -> str:
    """The short name of an entry's action (“Trình duyệt”), as the document trails show it."""
    sentence = _sentences.get(entry.action)
    if sentence is None:
        return group_of(entry.action) or str(OTHER)
    if callable(sentence.label):
        return sentence.label(Facts(entry, sentence))
    return str(sentence.label)


def _rank(action: str, key: str) -> tuple:
    """Where ``key`` comes in a details list: in the order the registrations label them (the action's own, then
    its prefixes', then the common ones), the rest by name; the same on every database (PostgreSQL's jsonb keeps
    no order)."""
    sentence = _sentences.get(action)
    if sentence is not None and key in sentence.details:
        return 0, list(sentence.details).index(key), ""
    prefixes = sorted((p for p in _prefix_labels if action.startswith(p)), key=len, reverse=True)
    for depth, prefix in enumerate(prefixes, start=1):
        if key in _prefix_labels[prefix]:
            return depth, list(_prefix_labels[prefix]).index(key), ""
    if key in BASE_LABELS:
        return len(prefixes) + 1, list(BASE_LABELS).index(key), ""
    return len(prefixes) + 2, 0, key


def _detail_items(facts: Facts) -> list[tuple[str, str]]:
    entry = facts.entry
    items = []
    for key in sorted(facts.details, key=lambda k: _rank(entry.action, k)):
        name = label_of(entry.action, key, entry.object_type)
        text = facts.text(key) if name is not None else ""
        if text:
            items.append((name, text))
    return items


def annotate(entries: Iterable, *, visible: bool | None = None) -> list:
    """Give each entry ``sentence``, ``label`` and ``detail_items``: the details as (label, text) pairs, dates in
    dd/mm/yyyy (HH:MM Vietnam time), keys nobody reads left out; none when its content is hidden.

    ``visible`` None: each entry's ``content_visible`` (see :func:`.policies.readable`) decides. Each
    registration's ``prefetch`` runs once for all the entries shown whole that share it.
    """
    entries = list(entries)
    facts = []
    groups: dict[int, tuple[Callable, list[Facts]]] = {}
    for entry in entries:
        shown = entry.content_visible if visible is None else visible
        item = Facts(entry, _sentences.get(entry.action))
        facts.append((item, shown))
        if shown and item.sentence is not None and item.sentence.prefetch is not None:
            groups.setdefault(id(item.sentence.prefetch), (item.sentence.prefetch, []))[1].append(item)
    for prefetch, items in groups.values():
        prefetch(items)
    for item, shown in facts:
        entry = item.entry
        entry.sentence = _sentence(item, shown)
        entry.label = label(entry)
        entry.detail_items = _detail_items(item) if shown else []
    return entries


# ---------------------------------------------------------------------------------------------- names


def names(model: str, *keys: str, field: str = "pk", attr: str = "name") -> Callable[[list[Facts]], None]:
    """A ``prefetch`` showing the details ``keys`` (ids, or ``field`` values, alone or in lists) as the ``attr``
    of the ``model`` objects they name, looked up in one query for a whole page."""
    model_class = apps.get_model(model)

    def prefetch(facts: list[Facts]) -> None:
        wanted = {value for item in facts for key in keys for value in _listed(item.details.get(key))}
        try:
            found = (
                {
                    str(k): v
                    for k, v in model_class._default_manager.filter(**{f"{field}__in": wanted}).values_list(field, attr)
                }
                if wanted
                else {}
            )
        except (ValueError, TypeError):  # an id of another kind, written by an older version
            found = {}
        for item in facts:
            for key in keys:
                value = item.details.get(key)
                shown = [found.get(str(v), show(v)) for v in _listed(value)]
                if shown:
                    item.extra[key] = ", ".join(shown)

    return prefetch


def _listed(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, (int, str)) and not isinstance(v, bool) and v != ""]


def together(*prefetches: Callable[[list[Facts]], None]) -> Callable[[list[Facts]], None]:
    def prefetch(facts: list[Facts]) -> None:
        for each in prefetches:
            each(facts)

    return prefetch


register(
    "journal.reseal",
    _("Nhật ký được niêm phong lại bằng khóa nhật ký (%(entries)s mục)"),
    hidden=_("Nhật ký được niêm phong lại bằng khóa nhật ký"),
    label=_("Niêm phong lại nhật ký"),
    details={
        "entries": _("Số mục"),
        "legacy_ok": _("Chuỗi cũ nguyên vẹn"),
        "legacy_problems": _("Vấn đề của chuỗi cũ"),
        "legacy_head": _("Đầu chuỗi cũ"),
        "key_id": _("Khóa niêm phong"),
    },
)
