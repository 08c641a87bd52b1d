"""The issuing authority of a first page, checked against the directory; the agency part of the symbol, checked
against the directory's short codes.

ND30 prints the issuer top left: the parent authority first ("UBND TỈNH NGHỆ AN"), then the agency's own name,
possibly over two lines ("SỞ THÔNG TIN VÀ / TRUYỀN THÔNG"). A directory entry is taken only when it explains the
agency's own lines entirely and every word of its name is found in the header; the parent line never stands for
the agency: "UBND TỈNH NGHỆ AN / SỞ TÀI CHÍNH" is never "Ủy ban nhân dân tỉnh Nghệ An". The words of the header
and of the entry are paired one to one (folded, OCR-tolerant); whatever stays unpaired is a mismatch, which lowers
the confidence below the threshold and says, in Vietnamese, what differs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from . import prefill_data as data
from .prefill_text import Field, _dejunk, _is_rule, _ratio, _segments, _squash, _upper_ratio, fold

FUZZY = 0.7  # two words this similar (folded) are the same word misread
EXACT, NEAR = 0.95, 0.85
PROPOSE = 0.8  # an entry explaining less of the header is not proposed: the header is shown as read


def _expand(f):
    return " ".join(data.EXPAND.get(w, w) for w in f.split())


_SPELLED = {"ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "tp": "thành phố"}


def _spelled(text) -> list[str]:
    """Lower-case words as printed (marks kept), abbreviations spelled out."""
    text = unicodedata.normalize("NFC", text).lower().replace("uỷ", "ủy")
    out = []
    for w in re.findall(r"[^\W_]+", text):
        out.extend(_SPELLED.get(w, w).split())
    return out


def words(text) -> list[str]:
    """Folded words, abbreviations expanded ("UBND" → "uy ban nhan dan"), "0" in a word read as "o"."""
    return [w for w, _ in _pairs(text)]


def _pairs(text) -> list[tuple[str, str]]:
    """(folded, as printed) for each word of ``text``."""
    out = []
    for w in _spelled(text):
        folded = fold(w)
        if any(c.isalpha() for c in folded):
            folded = folded.replace("0", "o")
        if len(folded) > 1 or folded.isdigit():
            out.append((folded, w))
    return out


@dataclass(frozen=True)
class Entry:
    name: str
    code: str
    short: str
    words: tuple[str, ...]
    printed: tuple[str, ...]


def entries(agencies) -> list[Entry]:
    """(name, code) or (name, code, short code) rows -> entries with their words."""
    return list(_entries(tuple(tuple(row) for row in agencies)))


@functools.lru_cache(maxsize=8)
def _entries(rows) -> tuple[Entry, ...]:
    out = []
    for row in rows:
        name, code, short = (row + ("",))[:3]
        pairs = _pairs(name)
        out.append(Entry(name, code, short or "", tuple(w for w, _ in pairs), tuple(p for _, p in pairs)))
    return tuple(out)


# ---------------------------------------------------------------- header lines

_MOTTO_START = r"c\W*o\W*n\W*g\W*h\W*o\W*a\b|\bd\W*o\W*c\W+\S*\W+t\W*u\W*d\W*o|t\W*u\s*d\W*o\W+h\W*a\W*n\W*h"


def header_lines(lines, stop):
    """The issuer's lines (left column, capitals) before the number and date."""
    out = []
    for line in lines[:stop]:
        f = fold(line)
        for pattern in data.MOTTO:
            for m in reversed(list(re.finditer(pattern, f))):
                line = line[: m.start()] + " " * (m.end() - m.start()) + line[m.end() :]
                f = fold(line)
        cut = re.search(_MOTTO_START, f)  # OCR joins the columns: the motto, even misread, ends the line
        line = line[: cut.start()] if cut else line
        for seg in _segments(line):
            seg = _dejunk(seg)
            if not _is_rule(seg) and sum(c.isalpha() for c in seg) >= 2 and _upper_ratio(seg) > 0.6:
                out.append(seg.strip(" -_"))
    return out


# ---------------------------------------------------------------- matching


@functools.lru_cache(maxsize=65536)
def _sim(a, b):
    if a == b:
        return 1.0
    if min(len(a), len(b)) < 3 or 2 * min(len(a), len(b)) < FUZZY * (len(a) + len(b)):
        return 0.0
    r = _ratio(a, b)
    return r if r >= FUZZY else 0.0


def _weight(w):
    return len(w) + 1


@dataclass
class Match:
    entry: Entry
    quality: float  # 1.0: every word paired exactly, the agency's lines explained entirely
    start: int  # first header line of the agency's own name (the lines before are its parents)
    fuzzy: float  # lowest similarity of a paired word (1.0: all exact)
    missing: list[str]  # words of the entry not in the header
    extra: list[str]  # words of the agency's own lines not in the entry
    printed: bool = False  # the paired words are also printed alike (marks and all), not only folded alike


def _pair(entry, head):
    """Pair each word of the entry with a word of the header (``head``: (line, word, printed)), exact first, the
    later line first (the agency's own lines come last); -> {header index: (similarity, entry index)}, unpaired
    entry words."""
    taken, left = {}, []
    order = sorted(range(len(head)), key=lambda k: (-head[k][0], k))
    pending = []
    for j, w in enumerate(entry.words):
        k = next((k for k in order if k not in taken and head[k][1] == w), None)
        if k is None:
            pending.append((j, w))
        else:
            taken[k] = (1.0, j)
    for j, w in pending:
        best = max(((_sim(w, head[k][1]), k) for k in order if k not in taken), default=(0.0, None))
        if best[0] > 0:
            taken[best[1]] = (best[0], j)
        else:
            left.append(w)
    return taken, left


def _judge(entry, head, lines):
    paired, missing = _pair(entry, head)
    taken = {k: sim for k, (sim, _) in paired.items()}
    printed = all(head[k][2] == entry.printed[j] for k, (_, j) in paired.items())
    start = lines
    for line in range(lines - 1, -1, -1):  # the agency's lines: the longest run of lines paired entirely, at the end
        if all(k in taken for k, (n, _, _) in enumerate(head) if n == line):
            start = line
        else:
            break
    own = [(k, w) for k, (n, w, _) in enumerate(head) if n >= min(start, lines - 1)]
    extra = [w for k, w in own if k not in taken]
    total_own = sum(_weight(w) for _, w in own) or 1
    total_entry = sum(_weight(w) for w in entry.words) or 1
    cover_own = sum(_weight(w) * taken.get(k, 0.0) for k, w in own) / total_own
    cover_entry = (total_entry - sum(_weight(w) for w in missing)) / total_entry
    fuzzy = min(taken.values(), default=0.0)
    return Match(entry, min(cover_own, cover_entry), start, fuzzy, missing, extra, printed)


def _capitals(line):
    """The header is printed in capitals: a word in small letters ("Tc") is dust from the rule under it."""
    return " ".join(w for w in line.split() if not any(c.islower() for c in w))


def match(head, pool) -> tuple[Match | None, Match | None]:
    """The best entry for the header lines ``head`` and the runner-up."""
    tagged = [(n, w, p) for n, line in enumerate(head) for w, p in _pairs(_capitals(line))]
    if not tagged:
        return None, None
    heads = {w for _, w, _ in tagged}
    sharing = [e for e in pool if e.words and heads.intersection(e.words)]  # a word in common, as read
    if not sharing:  # every word misread: compare them all, letter by letter
        sharing = [e for e in pool if any(_sim(w, h) for w in e.words for h in heads)]
    ranked = [_judge(entry, tagged, len(head)) for entry in sharing]
    ranked.sort(key=lambda m: (m.quality, -m.start, m.fuzzy, -len(m.missing)), reverse=True)
    return (ranked[0] if ranked else None), (ranked[1] if len(ranked) > 1 else None)


def find_issuer(lines, stop, pool, out):
    """Fill ``issuer_name`` and ``issuer_code``; -> the directory entry taken (or None)."""
    head = header_lines(lines, stop)[:5]
    if not head:
        return None
    raw = " / ".join(head)
    best, second = match(head, pool) if pool else (None, None)
    if best is None or best.quality < PROPOSE:
        display = _display(head)
        near = f" (gần nhất: “{best.entry.name}”)" if best is not None and best.quality >= 0.5 else ""
        note = (
            f"Không tìm thấy trong danh bạ cơ quan nào khớp với tiêu đề “{raw}”{near}: hãy chọn đúng cơ quan ban hành."
            if pool
            else ""
        )
        out.issuer_name = Field(display, 0.5 if not pool else 0.4, raw, note)
        out.issuer_code = Field("", 0.0, raw, note)
        return None
    entry, note = best.entry, ""
    if best.quality >= 0.999 and best.fuzzy >= 0.999:
        conf = EXACT if best.printed else NEAR  # folded alike only: marks or letters misread
    elif best.quality >= 0.999:
        conf = round(min(NEAR, 0.9 * best.fuzzy), 2)  # every word there, some misread
    else:
        conf = min(0.5, round(best.quality * 0.5, 2))
        differs = best.extra + best.missing
        note = (
            f"Tiêu đề “{raw}” không khớp hoàn toàn với “{entry.name}” trong danh bạ"
            + (f" (khác ở: {', '.join(differs[:4])})" if differs else "")
            + ": hãy đối chiếu cơ quan ban hành."
        )
    if second is not None and second.quality >= best.quality - 0.02 and best.quality < 1.0:
        conf = min(conf, 0.5)
        note = note or f"Tiêu đề “{raw}” có thể là “{entry.name}” hoặc “{second.entry.name}”: hãy chọn đúng."
    out.issuer_name = Field(entry.name, conf, raw, note)
    out.issuer_code = Field(entry.code, conf, raw, note)
    return entry


_PLACE_WORDS = ("tinh ", "thanh pho ", "huyen ", "quan ", "xa ", "phuong ", "thi xa ", "tp ")


def _display(head):
    last = head[-1]
    return _squash(last if len(head) > 1 and not fold(last).startswith(_PLACE_WORDS) else " ".join(head))


# ---------------------------------------------------------------- the agency part of the symbol

_LOOKALIKE = {frozenset(p) for p in ("IT", "IL", "I1", "L1", "O0", "OD", "OQ", "CG", "CO", "EF", "MN", "HN", "UV")}


def _near(a, b):
    """Same length, one letter apart -> the differing pair, else None."""
    if len(a) != len(b):
        return None
    diff = [(x, y) for x, y in zip(a, b) if x != y]
    return diff[0] if len(diff) == 1 else None


def _split_code(key, target, shorts):
    """ "SGDĐTVP" -> ("SGDĐT", "VP"): a known code (the issuer's first) followed by a unit's 2 to 5 capitals."""
    heads = ([target] if target else []) + sorted(shorts, key=len, reverse=True)
    for head in heads:
        tail = key[len(head) :]
        if head and key.startswith(head) and 2 <= len(tail) <= 5 and tail.isalpha() and tail.isupper():
            return head, tail
    return None


def check_symbol(out, entry, pool):
    """Check the agency part of ``code_notation`` against the directory's short codes (correcting a misread one,
    with a lower confidence) and against the issuer taken from the header (a conflict lowers both)."""
    notation = out.code_notation.value or ""
    shorts = {}
    for e in pool:
        for s in filter(None, e.short.split("-")):
            shorts.setdefault(fold(s).upper(), s)
    if not notation or not shorts:
        return
    year, _, body = notation.rpartition("/")
    parts = body.split("-")
    abbrevs = {fold(a).upper() for _, a in data.DOC_TYPES if a}
    own = [fold(s).upper() for s in (entry.short.split("-") if entry is not None and entry.short else [])]
    lead = fold(parts[0]).upper()
    first = 1 if len(parts) > 1 and lead in abbrevs and not (own and lead == own[0]) else 0
    conf, fixed, notes = out.code_notation.confidence, list(parts), []
    for k in range(first, min(len(parts), first + (len(own) or 1))):
        key = fold(parts[k]).upper()
        if key in shorts:
            fixed[k] = shorts[key]
            if fixed[k] != parts[k]:
                conf = min(conf, 0.75)
            continue
        target = own[k - first] if k - first < len(own) else None
        split = _split_code(key, target, shorts)
        if split:  # "SGDĐTVP": the dash between the agency's code and the unit's was lost
            head, tail = split
            fixed[k] = f"{shorts[head]}-{parts[k][len(head) :]}"
            conf = min(conf, 0.7 if head == target else 0.55)
            notes.append(f"Ký hiệu đọc được là “{parts[k]}”, đã tách thành “{fixed[k]}” theo danh bạ.")
            continue
        if target is not None and _near(key, target):
            fixed[k], conf = shorts.get(target, target), min(conf, 0.7)
            notes.append(f"Ký hiệu cơ quan đọc được là “{parts[k]}”, đã sửa thành “{fixed[k]}” theo danh bạ.")
            continue
        close = [s for s in shorts if (pair := _near(key, s)) and frozenset(pair) in _LOOKALIKE]
        if len(close) == 1:
            fixed[k], conf = shorts[close[0]], min(conf, 0.55)
            notes.append(f"Ký hiệu cơ quan đọc được là “{parts[k]}”, đã sửa thành “{fixed[k]}”: hãy đối chiếu.")
        else:
            conf = min(conf, 0.55)
            notes.append(f"Ký hiệu cơ quan “{parts[k]}” không có trong danh bạ: hãy đối chiếu.")
    value = (f"{year}/" if year else "") + "-".join(fixed)
    note = " ".join(notes)
    if value != notation or conf != out.code_notation.confidence:
        out.code_notation = Field(value, round(conf, 2), out.code_notation.raw, note)
        if notes:
            out.code_number = Field(
                out.code_number.value, min(out.code_number.confidence, max(conf, 0.6)), out.code_number.raw
            )
    _check_unit(out, entry, pool, [fold(p).upper() for p in fixed[first:]], value)
    agency_part = [fold(p).upper() for p in fixed[first : first + (len(own) or 1)]]
    if own and agency_part and agency_part != own[: len(agency_part)] and agency_part[0] in shorts:
        why = (
            f"Ký hiệu “{value}” ghi cơ quan “{'-'.join(fixed[first : first + len(own)])}”, không phải "
            f"“{entry.short}” của “{entry.name}”: hãy đối chiếu cơ quan ban hành."
        )
        for name in ("issuer_name", "issuer_code"):
            f = getattr(out, name)
            setattr(out, name, Field(f.value, min(f.confidence, 0.5), f.raw, f.note or why))


def _check_unit(out, entry, pool, tail, value):
    """The symbol names, after the issuer's own code, a unit that the directory holds as an agency of its own
    ("BTTTT-VP": Văn phòng Bộ Thông tin và Truyền thông) while the header gave the parent: the unit's header line
    may have been lost. Either may be right (a ministry's letter drafted by its office carries the same symbol):
    flagged, naming both."""
    if entry is None or not entry.short or len(tail) < 2:
        return
    own = [fold(p).upper() for p in entry.short.split("-") if p]
    for e in pool:
        parts = [fold(p).upper() for p in e.short.split("-") if p]
        if e is not entry and len(parts) > len(own) and parts[: len(own)] == own and tail[: len(parts)] == parts:
            why = (
                f"Ký hiệu “{value}” ghi đơn vị “{e.short}”, trong danh bạ là “{e.name}”: văn bản có thể của đơn vị "
                f"này chứ không phải “{entry.name}”, hãy đối chiếu cơ quan ban hành."
            )
            for name in ("issuer_name", "issuer_code"):
                f = getattr(out, name)
                setattr(out, name, Field(f.value, min(f.confidence, 0.5), f.raw, f.note or why))
            return
