"""Text helpers of the prefill: folding Vietnamese, OCR-tolerant comparisons, restoring lost diacritics,
telling OCR dust from words. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from vpdt.search.text import fold, fold_char  # one folding for search and prefill: Quyết → quyet, đ → d

from . import prefill_data as data

_JUNK = r"(?:[^\w\s()]|_)"  # OCR dust: dots, dashes, quotes and rules between and around the columns


@dataclass
class Field:
    value: object = None
    confidence: float = 0.0
    raw: str = ""
    note: str = ""  # why the value is doubtful, in Vietnamese, for the clerk


# ---------------------------------------------------------------- text helpers


def _ratio(a, b):
    return SequenceMatcher(None, a, b).ratio()


def _clean_text(text):
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(c if c.isprintable() or c in "\n\t" else " " for c in text)
    text = text.replace("\t", "    ").replace("\u00a0", " ").replace("Ð", "Đ").replace("ĐĐ", "Đ")
    return [line.strip() for line in text.replace("\r", "\n").split("\n")]


def _squash(s):
    return re.sub(r"\s+", " ", s).strip()


def _segments(line):
    """Two-column OCR lines: columns are separated by 3+ spaces."""
    return [_squash(p) for p in re.split(r"\s{3,}", line) if p.strip()]


def _is_rule(s):
    return bool(s) and not re.sub(r"[-_—–=~.*\s]", "", s)


def _upper_ratio(s):
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _vocabulary(text, extra=()):
    vocab = {}
    for w in list(data.WORDS) + list(extra) + re.findall(r"[^\W\d_]+", text):
        if not w.isascii():
            vocab.setdefault(fold(w), set()).add(w.lower())
    return {k: next(iter(v)) for k, v in vocab.items() if len(v) == 1}


def _restore(s, vocab):
    """Put back diacritics OCR dropped, when the word is known without ambiguity; -> (text, changed)."""
    changed = False

    def fix(m):
        nonlocal changed
        w = m.group(0)
        good = None if w.lower() in data.PLAIN else vocab.get(fold(w))
        wl = w.lower()
        if (
            not good
            or wl == good
            or len(wl) != len(good)
            or not all(a == b or a == fold_char(b) for a, b in zip(wl, good))
        ):
            return w
        changed = True
        return (
            good.upper() if w.isupper() and len(w) > 1 else (good[:1].upper() + good[1:] if w[:1].isupper() else good)
        )

    return re.sub(r"[^\W\d_]+", fix, s), changed


_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")


def _suspicious(text):
    """Words no Vietnamese syllable looks like ("Nhgag", "nnnn", "mg"), stray letters or symbols: OCR misreads."""
    for token in text.split():
        word = token.strip(".,;:()\"'")
        if not word or any(c.isdigit() for c in word) or (word.isupper() and len(word) > 1) or "/" in word:
            continue
        if not _real(word) or (len(word) == 1 and fold(word) not in "aoyu"):
            return True
        if any(not _SYLLABLE.fullmatch(part) for part in fold(word).split("-") if part):
            return True
    return False


def _real(token):
    """The token has a letter or digit of Vietnamese text (not "ˆ", "©", "§")."""
    return any(fold_char(c).isascii() and fold_char(c).isalnum() for c in token)


def _dejunk(s):
    """Drop the OCR dust: tokens made only of punctuation (not a lone dash between words) and the ragged ends."""
    words = [w for w in s.split() if _real(w) or w in ("-", "–")]
    s = " ".join(words)
    return re.sub(r"^(?:" + _JUNK + r"|\s)+|(?:[^\w\s)]|_|\s)+$", "", s)
