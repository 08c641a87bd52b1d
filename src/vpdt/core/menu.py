"""The left menu, grouped by work. Core owns the sections; each app registers its own links in its
``AppConfig.ready()`` with the rule of who may open them (from the person's scope, no query), so the menu shows only
what its user may open and core imports no app. A link may carry the badge of a queue (:mod:`vpdt.core.work`):
"Chờ cho ý kiến 3"; every badge of a page is read in one SQL statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import work
from .authz import Scope, scope_of


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    icon: str


SECTIONS = (
    Section("incoming", _("Văn bản đến"), "bi-inbox"),
    Section("outgoing", _("Văn bản đi"), "bi-send"),
    Section("dossiers", _("Hồ sơ"), "bi-folder2-open"),
    Section("collab", _("Tin điều hành"), "bi-megaphone"),
    Section("reports", _("Báo cáo"), "bi-bar-chart-line"),
    Section("directory", _("Danh bạ"), "bi-person-lines-fill"),
    Section("tools", _("Tiện ích"), "bi-tools"),
    Section("admin", _("Quản trị"), "bi-gear"),
)
_SECTION_KEYS = {s.key for s in SECTIONS}


def _always(scope: Scope) -> bool:
    return True


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    label: str
    url: str  # URL name (no argument)
    query: str = ""  # the query string without "?", or a fragment "#…"
    order: int = 100
    shown: Callable[[Scope], bool] = _always
    queue: str | None = None  # the key of the queue whose count is the badge
    group: str = ""  # a small heading above the item inside its section ("Liên thông")

    @property
    def href(self) -> str:
        if not self.query or self.query.startswith("#"):
            return reverse(self.url) + self.query
        return f"{reverse(self.url)}?{self.query}"


_items: dict[str, Item] = {}


def register(
    key: str,
    *,
    section: str,
    label: str,
    url: str,
    query: str = "",
    order: int = 100,
    shown: Callable[[Scope], bool] = _always,
    queue: str | None = None,
    group: str = "",
) -> None:
    """Add (or replace) the link ``key``. With ``queue``, the link is shown when the person has that queue (and
    ``shown``), with its count as badge."""
    if section not in _SECTION_KEYS:
        raise ValueError(f"Unknown menu section {section!r}")
    _items[key] = Item(key, section, label, url, query, order, shown, queue, group)


@dataclass
class Entry:
    item: Item
    href: str
    count: work.Count | None = None
    active: bool = False

    @property
    def badge(self) -> str:
        return self.count.badge if self.count else ""


OPEN_SECTIONS = ("incoming", "outgoing")  # the daily work: open unless the person is elsewhere


@dataclass
class Group:
    section: Section
    entries: list[Entry] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(e.active for e in self.entries)

    @property
    def open(self) -> bool:
        return self.active or self.section.key in OPEN_SECTIONS

    @property
    def badge(self) -> str:
        """The section's own badge when collapsed: its waiting work (queues counted once)."""
        seen, total = set(), 0
        for e in self.entries:
            if e.count and e.count.queue.waiting and e.item.queue not in seen:
                seen.add(e.item.queue)
                total += min(e.count.n, work.CAP + 1)
        return work.badge(total)


def _active(entries: list[Entry], request) -> None:
    """Mark the link of the page shown: the one whose address is the page's, else the one of its path."""
    full, path = request.get_full_path(), request.path
    exact = [e for e in entries if e.href == full]
    for e in exact or [e for e in entries if e.href.split("?")[0].split("#")[0] == path][:1]:
        e.active = True


def menu_for(request) -> list[Group]:
    """The sections with the links the person may open (empty sections left out), badges counted."""
    scope = scope_of(request.user)
    summary = work.summary(request).by_key if any(i.queue for i in _items.values()) else {}
    groups = {s.key: Group(s) for s in SECTIONS}
    entries = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.queue is not None and item.queue not in summary:
            continue
        if not item.shown(scope):
            continue
        entry = Entry(item, item.href, summary.get(item.queue) if item.queue else None)
        groups[item.section].entries.append(entry)
        entries.append(entry)
    _active(entries, request)
    return [g for g in groups.values() if g.entries]
