"""Vietnamese text folding, number keys, query parsing and snippets (backend-independent).

Folding removes diacritics (Quyết → quyet), maps đ/Đ to d and lowercases, one character for one
character, so offsets found in the folded text are offsets in the original text (snippets).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.html import escape


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    if c.isascii():
        return c.lower()
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base[0] if base else c


fold_char = _fold_char  # one character folded (the OCR prefill compares text character by character)


def fold(text: str) -> str:
    """Fold diacritics and case; same length as the NFC form of ``text``."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text or ""))


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits)."""
    return re.findall(r"[^\W_]+", fold(text))


def index_form(text: str) -> str:
    """What the full-text engines index: folded tokens separated by single spaces."""
    return " ".join(tokens(text))


def number_key(text: str) -> str:
    """ "171/QĐ-BDT", "171 QĐ BDT", "171/qd-bdt" → "171qdbdt"."""
    return "".join(tokens(text))


_NUMBERISH = re.compile(r"^\s*\d+[\s/.\-]*[^\W\d_]", re.UNICODE)


def looks_like_number(text: str) -> bool:
    """A query such as "171/QĐ-BDT", "171 QĐ BDT", "05/BNV-VP" or "44/2017/QĐ-UBND"."""
    text = (text or "").strip().strip('"')
    if not text or len(text) > 60 or len(text.split()) > 5:
        return False
    if _NUMBERISH.match(text):
        return True
    return bool(re.fullmatch(r"\d+", text))


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)  # folded words
    phrases: list[list[str]] = field(default_factory=list)  # folded phrases (lists of words)
    raw_terms: list[str] = field(default_factory=list)  # original spelling (exact mode), lowercased
    key: str = ""  # number key when the query looks like a number/symbol

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.key)


def parse(q: str) -> ParsedQuery:
    q = unicodedata.normalize("NFC", (q or "").replace("\x00", " "))[:500]
    parsed = ParsedQuery()
    if looks_like_number(q):
        parsed.key = number_key(q)
    for m in re.finditer(r'"([^"]*)"|(\S+)', q):
        if m.group(1) is not None:
            words = tokens(m.group(1))
            if len(words) > 1:
                parsed.phrases.append(words)
            else:
                parsed.words.extend(words)
            if words:
                parsed.raw_terms.append(m.group(1).strip().lower())
        else:
            words = tokens(m.group(2))
            parsed.words.extend(words)
            if words:
                parsed.raw_terms.append(m.group(2).strip().lower())
    parsed.words = list(dict.fromkeys(parsed.words))[:20]
    parsed.phrases = parsed.phrases[:5]
    return parsed


# ------------------------------------------------------------------------------------------------ snippets

SNIPPET_CHARS = 220


def _spans(text: str, parsed: ParsedQuery, exact: bool) -> list[tuple[int, int]]:
    if exact:
        hay = text.lower()
        needles = [t for t in parsed.raw_terms if t]
    else:
        hay = fold(text)
        needles = [" ".join(p) for p in parsed.phrases] + parsed.words
    last = len(needles) - 1
    spans = []
    for i, needle in enumerate(needles):
        if exact:
            pattern = re.escape(needle)
        else:  # a phrase matches across any separators; whole words, the last word of the query as a prefix
            pattern = r"[\W_]+".join(re.escape(w) for w in needle.split()) + ("" if i == last else r"(?![^\W_])")
        for m in re.finditer(r"(?<![^\W_])" + pattern, hay):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and (s <= merged[-1][1] or not re.search(r"\w", hay[merged[-1][1] : s])):  # adjacent words
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def snippet(text: str, parsed: ParsedQuery, *, exact: bool = False, size: int = SNIPPET_CHARS) -> str:
    """HTML: a window of ``text`` around the first match, escaped, with the matches in <mark>."""
    text = unicodedata.normalize("NFC", " ".join((text or "").split()))
    if not text:
        return ""
    spans = _spans(text, parsed, exact)
    if not spans:
        short = text[:size]
        return escape(short) + ("…" if len(text) > size else "")
    first = spans[0][0]
    start = max(0, first - size // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + size)
    out = ["…" if start else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
