"""Word-level differences between two versions of a draft, each change told with who made it.

The regulations ask reviewers to mark their edits in colour: blue for the head of the drafting unit (lãnh đạo đơn
vị), red for the agency's leader (lãnh đạo cơ quan). vpdt keeps every reviewer's edit as a version, so the
difference between two versions is computed version by version (difflib on words), and each word added or removed
keeps the version, hence the person and the level, that changed it. A word added by one version and removed by a
later one is left out: it is in neither of the two versions compared.

Words are matched within the lines that changed (lines first, then the words of the lines that differ), so a long
draft compares fast; a change too large to compare word by word is shown as its lines removed and added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext_noop

from vpdt.directory.models import Position, Role

from .models import OutgoingDocument, StepKind, Version

TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")
WORD_PAIRS_LIMIT = 4_000_000  # tokens × tokens of one changed block compared word by word

UNIT, AGENCY, OTHER = "unit", "agency", "other"
# The template translates these names ({% translate name %}): gettext_noop only marks them for makemessages.
LEVELS = {
    UNIT: gettext_noop("Lãnh đạo đơn vị"),
    AGENCY: gettext_noop("Lãnh đạo cơ quan"),
    OTHER: gettext_noop("Người soạn thảo, người khác"),
}
# Bootstrap classes: the colour of the level, underlined when added, struck through when removed.
COLOURS = {UNIT: "text-primary", AGENCY: "text-danger", OTHER: "text-success"}
COLOUR_NAMES = {UNIT: gettext_noop("xanh lam"), AGENCY: gettext_noop("đỏ"), OTHER: gettext_noop("xanh lục")}
ROLES = {
    UNIT: gettext_noop("Lãnh đạo đơn vị"),
    AGENCY: gettext_noop("Lãnh đạo cơ quan"),
    OTHER: gettext_noop("Người duyệt"),
}
# Who made a version, as the API names it: the drafter, else the reviewer's level (a reviewer designated by name
# who holds no leader position is "reviewer").
DRAFTER = "drafter"
CODES = {UNIT: "unit_leader", AGENCY: "agency_leader", OTHER: "reviewer"}


def tokens(text: str) -> list[str]:
    """Words, runs of punctuation and runs of white space: joined again they give ``text``."""
    return TOKEN.findall(text or "")


@dataclass
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str
    version: Version | None = None  # the version that added or removed it
    level: str = ""

    @property
    def css(self) -> str:
        if self.kind == "same":
            return ""
        line = "text-decoration-underline" if self.kind == "added" else "text-decoration-line-through"
        return f"{COLOURS.get(self.level, COLOURS[OTHER])} {line}"

    @property
    def title(self) -> str:
        if self.version is None:
            return "Thêm vào" if self.kind == "added" else "Xóa đi"
        verb = "Thêm" if self.kind == "added" else "Xóa"
        return f"{verb} bởi {self.version.author.full_name} (phiên bản {self.version.number})"


def _lines(items: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each line of a token list: a line ends after a white-space token holding a line break."""
    spans, start = [], 0
    for i, item in enumerate(items):
        if "\n" in item:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(items):
        spans.append((start, len(items)))
    return spans


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes between two token lists: lines matched first, then the words of the lines that
    changed (fast on long drafts, where most lines are the same)."""
    a_lines, b_lines = _lines(a), _lines(b)
    a_text = ["".join(a[s:e]) for s, e in a_lines]
    b_text = ["".join(b[s:e]) for s, e in b_lines]
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a_text, b_text, autojunk=False).get_opcodes():
        ta1 = a_lines[i1][0] if i1 < len(a_lines) else len(a)
        ta2 = a_lines[i2 - 1][1] if i2 > i1 else ta1
        tb1 = b_lines[j1][0] if j1 < len(b_lines) else len(b)
        tb2 = b_lines[j2 - 1][1] if j2 > j1 else tb1
        if tag == "equal":
            ops.append(("equal", ta1, ta2, tb1, tb2))
        elif tag != "replace" or (ta2 - ta1) * (tb2 - tb1) > WORD_PAIRS_LIMIT:
            ops.append((tag, ta1, ta2, tb1, tb2))
        else:
            words = SequenceMatcher(None, a[ta1:ta2], b[tb1:tb2], autojunk=False).get_opcodes()
            ops.extend((t, ta1 + x1, ta1 + x2, tb1 + y1, tb1 + y2) for t, x1, x2, y1, y2 in words)
    return ops


def attributed(versions: list[Version], levels: dict[int, str] | None = None) -> list[Piece]:
    """The difference between the first and the last of ``versions`` (consecutive, older first), each change with
    the version that made it; ``levels``: version number → level of its author.

    What changed is the difference between the two ends; who changed it is read from the versions between: the
    version each word of the newer text comes from, and the version that removed each word of the older one (a
    word the two ends align otherwise than the versions did goes to the newest version)."""
    levels = levels or {}
    first, last = versions[0], versions[-1]
    # (token, the version it comes from: None for the older end, its index in the older end or None)
    current = [(text, None, index) for index, text in enumerate(tokens(first.text))]
    removed_by: dict[int, Version] = {}
    for newer in versions[1:]:
        target = tokens(newer.text)
        following = []
        for tag, i1, i2, j1, j2 in opcodes([t for t, _v, _i in current], target):
            if tag == "equal":
                following.extend(current[i1:i2])
                continue
            for _text, _origin, index in current[i1:i2]:
                if index is not None:
                    removed_by.setdefault(index, newer)
            following.extend((text, newer, None) for text in target[j1:j2])
        current = following
    older_tokens = tokens(first.text)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in opcodes(older_tokens, [t for t, _v, _i in current]):
        if tag == "equal":
            pieces.extend(Piece("same", text) for text in older_tokens[i1:i2])
            continue
        for index in range(i1, i2):
            by = removed_by.get(index, last)
            pieces.append(Piece("removed", older_tokens[index], by, levels.get(by.number, "")))
        for text, origin, _index in current[j1:j2]:
            by = origin or last
            pieces.append(Piece("added", text, by, levels.get(by.number, "")))
    return merged(pieces)


def _blank(piece: Piece) -> bool:
    return piece.kind == "same" and not piece.text.strip() and "\n" not in piece.text


def _run_end(pieces: list[Piece], start: int) -> int:
    """The end of the run of changes at ``start``: changes, and single-line blanks between two changes."""
    end = start
    while end < len(pieces):
        piece = pieces[end]
        between = _blank(piece) and end + 1 < len(pieces) and pieces[end + 1].kind != "same"
        if piece.kind == "same" and not between:
            break
        end += 1
    return end


def _spaces_follow_words(run: list[Piece]) -> list[Piece]:
    """In a run changed by several versions, a change of white space only goes with the word changed next to it
    (the next one, else the one before), so that spaces do not split a version's phrase."""
    words = [i for i, p in enumerate(run) if p.kind != "same" and p.text.strip()]
    if not words:
        return run
    out = []
    for i, piece in enumerate(run):
        if piece.kind != "same" and not piece.text.strip():
            near = next((w for w in words if w > i), words[-1])
            piece = Piece(piece.kind, piece.text, run[near].version, run[near].level)
        out.append(piece)
    return out


def merged(pieces: list[Piece]) -> list[Piece]:
    """Changes as phrases: a run of changes by one version (spaces kept between its words included) as the words
    it removed, then those it added (“~~báo cáo như sau~~ kính báo cáo”, not word against word). Runs where
    several versions changed words stay in their order, neighbours of one kind and version joined."""
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        if pieces[i].kind == "same":
            out.append(pieces[i])
            i += 1
            continue
        end = _run_end(pieces, i)
        run = pieces[i:end]
        changes = [p for p in run if p.kind != "same"]
        if len({id(p.version) for p in changes}) == 1:
            first = changes[0]
            for kind in ("removed", "added"):
                text = "".join(p.text for p in run if p.kind in ("same", kind))
                if text.strip():
                    out.append(Piece(kind, text, first.version, first.level))
        else:
            run = _spaces_follow_words(run)
            for piece in run:
                last = out[-1] if out else None
                if last is not None and last.kind == piece.kind and last.version is piece.version:
                    out[-1] = Piece(piece.kind, last.text + piece.text, piece.version, piece.level)
                else:
                    out.append(piece)
        i = end
    return out


def level_of(version: Version, document: OutgoingDocument, roles: dict[int, set[str]]) -> str:
    """Whose pen: the agency's leader (red), the head of a unit (blue), or the drafter and anyone else."""
    if version.step_id is None or version.author_id == document.drafter_id:
        return OTHER
    if version.step.kind == StepKind.SIGNER:
        return AGENCY
    if version.step.kind == StepKind.UNIT_LEADER:
        return UNIT
    held = roles.get(version.author_id, set())  # a designated reviewer: by the position they hold
    if Role.LEADER in held:
        return AGENCY
    if Role.UNIT_LEADER in held:
        return UNIT
    return OTHER


@dataclass
class Comparison:
    older: Version
    newer: Version
    pieces: list[Piece]
    # each version of the range after the older one: the version, its level, code (as the API names it), role, colour
    authors: list[dict]

    @property
    def changed(self) -> bool:
        return any(p.kind != "same" for p in self.pieces)


def compare(document: OutgoingDocument, a: int, b: int) -> Comparison:
    """Version ``a`` against version ``b`` of ``document``. From an older to a newer version each change is told
    with its author; the other way round (newer against older) it is a plain difference."""
    forward = a <= b
    numbers = range(a, b + 1) if forward else (a, b)
    versions = list(
        document.versions.filter(number__in=list(numbers)).select_related("author", "step").order_by("number")
    )
    if not forward:
        versions.reverse()
    people = {v.author_id for v in versions}
    roles: dict[int, set[str]] = {}
    for user_id, role in Position.objects.filter(
        user_id__in=people, agency_id=document.agency_id, is_active=True
    ).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    levels = {v.number: level_of(v, document, roles) for v in versions[1:]} if forward else {}
    pieces = attributed(versions, levels)
    if not forward:
        for piece in pieces:
            piece.version, piece.level = None, ""
    authors = [
        {
            "version": v,
            "level": levels[v.number],
            "code": CODES[levels[v.number]] if v.author_id != document.drafter_id else DRAFTER,
            "role": ROLES[levels[v.number]] if v.author_id != document.drafter_id else gettext_noop("Người soạn thảo"),
            "colour": COLOURS[levels[v.number]],
        }
        for v in versions[1:]
        if forward
    ]
    return Comparison(versions[0], versions[-1], pieces, authors)
