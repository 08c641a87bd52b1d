"""The signature block and the recipients list of a first page ("Nơi nhận:", TM./KT./TL./TUQ./Q., position,
signer's name), as Tesseract lays them out: the two columns often run together on one line."""

from __future__ import annotations

import functools
import re

from . import prefill_data as data
from .prefill_text import Field, _dejunk, _ratio, _real, _segments, _suspicious, _upper_ratio, fold

# ---------------------------------------------------------------- signer and recipients

_AUTH = re.compile(r"^(tuq|tm|kt|tl|q)\s*[.,]\s*(\S.*)$")
_NAME = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){1,5}$")


def _fix_position(s):
    f = fold(s)
    best = max(data.POSITIONS, key=lambda p: _ratio(f, fold(p)))
    r = _ratio(f, fold(best))
    if r == 1.0:
        return best, 0.9 if best == s.upper() else 0.75
    if r >= 0.85:
        return best, 0.65
    return s.upper(), 0.5


_BULLET = re.compile(r"^(?:[^\w\s]|_|\s)*?[-–~•+*“\"'„]")


def _is_recipients_label(seg):
    """ "Nơi nhận:", also "Nữ nhện.", "Nơi niữn," or "Nơinhận." from a blurred italic line."""
    f = fold(_dejunk(seg)).replace(" ", "")
    return len(f) < 20 and f[:1] == "n" and _ratio(f[:7], "noinhan") >= 0.7


_TOKEN_PUNCT = ".,:;\"'`”“‘’„^ˆ_-–—~|"


@functools.lru_cache(maxsize=1)
def _signature_words():
    words = " ".join(data.POSITIONS + data.SIGNATURE_WORDS).replace("-", " ").split()
    return frozenset(fold(w) for w in words) | frozenset(a.lower() for a in data.AUTHORITIES)


def _split_columns(seg):
    """-> (left, right): the signature block's capitals (authority, position) end the line on its right."""
    tokens, right = re.sub(r"\b(TUQ|TM|KT|TL)[.,](?=\S)", r"\1. ", seg).split(), []
    words = _signature_words()
    while tokens:
        t = tokens[-1]
        bare = t.strip(_TOKEN_PUNCT)
        if not _real(t):
            tokens.pop()
            continue
        if bare and bare.isupper() and fold(bare) in words:
            right.insert(
                0,
                bare
                + (
                    "."
                    if fold(bare) in data.AUTHORITIES_FOLDED
                    and "." in t[len(bare) :]
                    or fold(bare) in data.AUTHORITIES_FOLDED
                    and t.endswith((",", ":"))
                    else ""
                ),
            )
            tokens.pop()
            continue
        break
    if (
        len(right) == 1
        and fold(right[0].rstrip(".")) in data.AUTHORITIES_FOLDED
        and tokens
        and tokens[-1].endswith(",")
    ):  # "Lưu: VT, KT.": a unit code in a list, not "KT." of a block
        return " ".join(tokens + right), ""
    if right and fold(right[0].rstrip(".")) in data.AUTHORITIES_FOLDED and not right[0].endswith("."):
        right[0] += "."
    return " ".join(tokens), " ".join(right)


def _recipient(left):
    """A "- Như trên;" item -> ("Như trên", clean) or None when the line is not an item."""
    if not _BULLET.match(left):
        return None
    item = re.sub(r"^(?:[^\w\s(]|_|\s)+", "", left)
    clean = left.lstrip().startswith(("-", "–", "•", "+", "*")) and not re.match(r"^[^\w\s]+\s*[^\w\s]", left.strip())
    end = re.search(r"\.\s+\S", item)  # the list ends with a full stop: what follows is the seal's dust
    item = item[: end.start()] if end else item
    item = re.sub(r";\s*(?=[A-ZĐ]{2,6}\s*\.?\s*$)", ", ", item)  # "Lưu: VT; KH.": a comma read as ";"
    pieces = item.split(";")
    item = pieces[0]
    for piece in pieces[1:]:  # "Chủ tịch; các PCT": a comma read as a semicolon; anything else is dust
        if not re.match(r"^\s*[a-zà-ỹđ]\S", piece):
            clean = clean and not any(_real(w) for w in piece.split())
            break
        item, clean = f"{item}, {piece.strip()}", False
    item = _dejunk(item)
    trimmed = re.sub(r"(?:,\s*[^\W\d_A-ZĐ]{1,2}\b)+$", "", item)  # "Website, s": dust after the item
    archive_item = re.match(r"^L\S{1,2}u\s*:?\s*V", trimmed)  # "Lưu: VT, KH": its unit codes are capitals
    while "," in trimmed and not archive_item and _dusty(trimmed.rsplit(",", 1)[1]):  # "UBND tỉnh, Ắh NA": dust
        trimmed = trimmed.rsplit(",", 1)[0].rstrip()
    clean, item = clean and trimmed == item, trimmed
    item = re.sub(r"^Nh\S(?= (?:trên|Điều)\b)", "Như", item)  # ND30's "Như trên", "Như Điều 3"
    item = re.sub(r"^(?:NHư|Như|Nhu)\s*(?=trên\b)", "Như ", item)  # "Nhưtrên", "NHư trên"
    item = re.sub(r"\(b\W?[^\s()]?\)", "(b/c)", item)  # "(b/c)": báo cáo, read "(be)", "(bí)", "(b/©)"
    archive = re.match(r"^L\S{1,2}u\s*:?\s*V\S?(?:[\s,.;j]*([A-ZĐ]\S*.*))?$", item)  # ND30: "Lưu: VT, <unit>"
    if archive:
        units = re.match(r"[A-ZĐ]{2,6}(?:\s*,\s*[A-ZĐ]{2,6})*(?![\wÀ-ỹ])", archive.group(1) or "")
        fixed = "Lưu: VT" + (", " + re.sub(r"\s*,\s*", ", ", units.group(0)) if units else "")
        clean = clean and re.sub(r"\s*,\s*", ", ", item) == fixed
        item = fixed
    if not any(len(w) > 1 and w.isalpha() for w in re.split(r"[\s,.;:()/]+", item)):
        return None  # "1S", "l": dust, not an item
    stripped = re.sub(r"(?:[^\w\s)]|_|\s)+$", "", item)
    return (stripped, clean and stripped == item.rstrip(" .,")) if stripped else None


def _dusty(segment):
    """A comma-separated piece made of OCR dust: stray letters, mixed case inside a word, no syllable."""
    tokens = segment.split()
    if not tokens:
        return True
    for token in tokens:
        word = token.strip(".,;:()\"'")
        if not word or not _real(word) or any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            return True
        if len(word) == 1 and (fold(word) not in "aoyu" or word.isupper()):
            return True
    if len(tokens) == 1 and tokens[0].strip(".,;:()").isupper() and len(tokens[0].strip(".,;:()")) <= 3:
        return True  # "Như Điều 3, FAN": capitals left by the seal's ring, not an item's words
    return _suspicious(segment) and not any(t.isupper() and len(t) > 1 for t in tokens[:1])


_TYPE_NAMES = frozenset(fold(n) for n, _ in data.DOC_TYPES)
_FAMILY = {}
for _name in data.FAMILY_NAMES:
    _FAMILY.setdefault(fold(_name), set()).add(_name)


def _find_signer(lines, start, out):
    segs = []
    for line in lines[start:]:
        for seg in _segments(line):
            left, right = _split_columns(seg)
            segs += [s for s in (left, right) if s]
    rec_at = next((i for i, s in enumerate(segs) if _is_recipients_label(s.split(":")[0] + ":")), None)
    recipients, clean_all = [], True
    if rec_at is not None:
        inline = re.sub(r"^[^:]*:\s*", "", segs[rec_at]) if ":" in segs[rec_at] else ""
        pool = ([inline] if inline else []) + segs[rec_at + 1 :]
        names = [
            k
            for k, s in enumerate(pool)
            if _NAME.match(_dejunk(s)) and all(w[:1].isupper() for w in _dejunk(s).split())
        ]
        pool = [s for k, s in enumerate(pool) if not names or k != names[-1]]  # the signer's name
        for s in pool:
            got = _recipient(s)
            if got:
                recipients.append(got[0])
                clean_all = clean_all and got[1]
                if got[0].startswith("Lưu:"):
                    break  # ND30: "Lưu" closes the list; below it, only dust
        if recipients:
            clean_all = clean_all and not any(_suspicious(r) for r in recipients)
            note = ""
            if not recipients[-1].startswith("Lưu:"):  # ND30: the list always ends "Lưu: VT, ..."
                clean_all, note = False, "Danh sách nơi nhận không kết thúc bằng “Lưu: VT”: có thể còn thiếu dòng."
            out.recipients = Field(recipients, 0.85 if clean_all else 0.55, "\n".join(pool), note)
    rest = [_dejunk(s) for i, s in enumerate(segs) if i != rec_at and not _BULLET.match(s)]
    rest = [s for s in rest if s]
    auth_at = None
    for i, s in enumerate(rest):
        m = _AUTH.match(fold(s))
        if m and _upper_ratio(s) > 0.7:
            auth_at = i
            out.authority = Field(m.group(1).upper(), 0.9, s)
    pos_lines, name = [], None
    scan = rest[auth_at + 1 :] if auth_at is not None else rest
    words = _signature_words()
    for s in scan:
        if (
            _upper_ratio(s) > 0.8
            and not _AUTH.match(fold(s))
            and len(s) < 60
            and all(fold(w.strip(_TOKEN_PUNCT)) in words for w in s.split())
        ):
            pos_lines.append(s)
        elif _NAME.match(s) and all(w[:1].isupper() for w in s.split()) and not _block_words(s):
            name = s
    if auth_at is not None and not pos_lines and out.authority.value == "Q":
        pos_lines = [re.sub(r"^\S+\s*[.,]\s*", "", rest[auth_at])]
    if pos_lines and (auth_at is not None or rec_at is not None):
        if auth_at is None:
            pos_lines = pos_lines[-1:]
        value, conf = _fix_position(" ".join(pos_lines))
        out.signer_position = Field(value, conf, "\n".join(pos_lines))
        if auth_at is None and value.startswith("PHÓ "):  # ND30: a deputy signs "KT." for the head; misread
            out.authority = Field("KT", 0.55, "")
        elif auth_at is None:  # a signature block without TM./KT./TL./TUQ./Q.: the head signs in person
            out.authority = Field("", 0.7, "")
    if name:
        out.signer_name = _person(name)


def _block_words(s):
    """The line is the signature block's own words ("KT GIÁM ĐỐC", "Tm Ủy Ban Nhân Dân" misread): never a name."""
    tokens = [fold(w.strip(_TOKEN_PUNCT)) for w in s.split()]
    if fold(s) in _TYPE_NAMES or (tokens and tokens[0] in data.AUTHORITIES_FOLDED):
        return True
    words = _signature_words()
    if _upper_ratio(s) <= 0.8:  # a name is printed in Title case: only the block's own words, exactly
        return all(t in words for t in tokens)
    return all(t in words or (len(t) > 3 and any(_ratio(t, w) >= 0.8 for w in words)) for t in tokens)


def _person(name):
    """The signer's name as printed (Title case), its family name checked against the usual Vietnamese ones."""
    value = name if not name.isupper() else name.title()
    conf, note = (0.9 if not value.isascii() else 0.7), ""
    first, _, rest = value.partition(" ")
    family = _FAMILY.get(fold(first), ())
    if len(family) == 1 and first not in family:  # "Đỉnh" for "Đinh": a misread mark on a known family name
        value, conf = f"{next(iter(family))} {rest}", min(conf, 0.75)
    elif first in family and len(family) > 1:  # "Đoàn" or "Doãn": both exist, the mark decides
        conf = min(conf, 0.75)
    elif not family:
        conf = min(conf, 0.55)
        note = f"“{first}” không phải một họ thường gặp: hãy đối chiếu tên người ký."
    return Field(value, conf, name, note)
