"""Prefill the registration form from the OCR text of a document's first page (ND30 layout).

Pure functions: ``extract(text, agencies=, doc_types=)`` never touches the database and never raises on
garbage; ``extract_for(text)`` loads the directory and the catalog first. Every field carries a confidence
in [0, 1] that drops when the value had to be corrected (OCR confusion, fuzzy match) or guessed.

Number and symbol follow ``IncomingDocument``: ``code_number`` is the part before the first "/" ("44"),
``code_notation`` the rest ("2017/QĐ-UBND", "QĐ-BDT", "BNV-VP").
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields

from . import prefill_data as data
from .prefill_issuer import check_symbol, entries, find_issuer
from .prefill_signature import _find_signer
from .prefill_text import (
    _JUNK,
    Field,
    _clean_text,
    _dejunk,
    _is_rule,
    _ratio,
    _restore,
    _squash,
    _suspicious,
    _upper_ratio,
    _vocabulary,
    fold,
    fold_char,
)

__all__ = ["Field", "Prefill", "extract", "extract_for", "fold", "fold_char"]


def _empty(value=None):
    return field(default_factory=lambda: Field(value() if callable(value) else value, 0.0, ""))


@dataclass
class Prefill:
    issuer_name: Field = _empty("")
    issuer_code: Field = _empty("")
    code_number: Field = _empty("")
    code_notation: Field = _empty("")
    place: Field = _empty("")
    issued_date: Field = _empty(None)
    doc_type: Field = _empty("")
    subject: Field = _empty("")
    signer_name: Field = _empty("")
    signer_position: Field = _empty("")
    authority: Field = _empty("")
    recipients: Field = _empty(list)

    def low_confidence(self, threshold=0.6):
        return [f.name for f in fields(self) if getattr(self, f.name).confidence < threshold]

    def values(self):
        return {f.name: getattr(self, f.name).value for f in fields(self)}


# ---------------------------------------------------------------- number and symbol

_NUMBER_LINE = re.compile(r"(?:^|\s{3,})(?:[^\w\s]|_)*\s*[s§$5&]\s*[o0ô6óð]\s*(?:[:;.,]\s*|(?=\d))")
_DIGITISH = str.maketrans({"l": "1", "I": "1", "|": "1", "O": "0", "o": "0"})


def _abbrev_index(doc_types):
    return {fold(a): a for _, a in doc_types if a}


def _notation_score(notation, abbrevs):
    """Return (score, fixed notation): 2 = known type abbreviation, 1 = plausible, 0 = not a notation."""
    m = re.fullmatch(r"(?:(\d{4})/)?([A-Za-zĐđ][A-Za-zĐđ0]*(?:-[A-Za-zĐđ0-9.]+)*)", notation)
    if not m:
        return 0, notation
    parts = m.group(2).split("-")
    if len(parts) == 1 and not abbrevs.get(fold(parts[0])):
        for size in (3, 2):
            head, tail = parts[0][:size], parts[0][size:]
            if abbrevs.get(fold(head)) and len(tail) >= 2 and tail.isupper():
                parts = [head, tail]
                break
    f = fold(parts[0])
    variants = (f, f.replace("0", "d"), f.replace("ti", "tt"), f.replace("tti", "tt"))
    head = next((abbrevs[v] for v in variants if v in abbrevs), None)  # "Q0", "TIr" and "TTIr" misread
    score = 1
    if head:
        score = 2
        parts[0] = head
    fixed = "-".join(parts)
    return score, (f"{m.group(1)}/{fixed}" if m.group(1) else fixed)


def _split_number(token, abbrevs):
    """-> (number, notation, corrected) or None."""
    token = re.sub(r"\s*([/-])\s*", r"\1", token)
    m = re.match(r"^([0-9lIO|]*[0-9][0-9lIO|]*|[0-9])(.*)$", token)
    if not m:
        return None
    y = re.match(r"^([0-9lIO|]+?)([Il|\\7]|U)((?:19|20)\d{2})/(.+)$", token)
    if y:
        num = y.group(1).translate(_DIGITISH) + ("1" if y.group(2) == "U" else "")
        score, fixed = _notation_score(f"{y.group(3)}/{y.group(4)}".rstrip(".,;:"), abbrevs)
        if score:
            return num, fixed, True, score
    digits, rest = m.group(1), m.group(2)
    number = digits.translate(_DIGITISH)
    fixed_digits = number != digits
    candidates = []
    if rest.startswith("/"):
        candidates.append((number, rest[1:], fixed_digits))
    else:
        if rest[:1] in "Il1|\\7":
            candidates.append((number, rest[1:], True))
        if rest[:1] in "UuL":  # "1/" merged into one glyph
            candidates.append((number + "1", rest[1:], True))
        if len(number) > 1 and number[-1] in "17":
            candidates.append((number[:-1], rest, True))
        if rest[:1].isalpha():
            candidates.append((number, rest, True))
    best = None
    for num, notation, corrected in candidates:
        notation = notation.rstrip(".,;:")
        score, fixed = _notation_score(notation, abbrevs)
        if score and (best is None or score > best[0]):
            best = (score, num, fixed, corrected or fixed != notation)
    if best is None:
        return None
    return best[1], best[2], best[3], best[0]


def _find_number(lines, abbrevs, out):
    for i, line in enumerate(lines):
        f = fold(line)
        m = _NUMBER_LINE.search(f)
        if not m:
            continue
        rest = line[m.end() :]
        label = line[m.start() : m.end()].strip()
        rest = re.sub(r"(?<=[A-Z])\s(?=[a-z]-)", "", rest.replace("\u2044", "/"))  # "TT r-UBND"
        rest = re.sub(r"-\s*-", "-", rest)
        caps = r"(?=[A-ZĐ0-9]+(?:[\s/.,;:-]|$))"  # "QĐ- BDT" is one symbol, "BDT - Bình Định" is not
        rest = re.sub(r"(?<=\w)\s+([/-])" + caps + r"|(?<=\w)([/-])\s+" + caps, r"\1\2", rest)
        token = re.sub("^" + _JUNK + "+", "", rest.strip()).split(" ")[0] if rest.strip() else ""
        token = re.sub(r"(?<=[A-Za-zĐđ])[:_.](?=[A-Za-zĐđ])", "-", re.sub(_JUNK + r"+$", "", token))
        token = re.sub(r"(?<=[-/])[^\w\s/-]+|[^\w\s/-]+(?=[-/])", "", token)  # "TCKH-+TH": dust by a dash
        parsed = _split_number(token, abbrevs) if token else None
        if parsed:
            number, notation, corrected, score = parsed
            conf = 0.95 if not corrected else 0.7
            if score < 2:
                conf -= 0.15
            if fold(label).replace(" ", "") not in ("so:",):
                conf -= 0.05
            if not re.search(r"[:;.,]", label):  # "Số14/..." : the colon may have become a digit
                conf = min(conf, 0.55)
            out.code_number = Field(number, round(conf, 2), token)
            out.code_notation = Field(notation, round(conf, 2), token)
        return i
    return None


# ---------------------------------------------------------------- place and date

_DATE = re.compile(
    r"ngay\s*[^\d\s]?\s*([0-9lIO]{1,2})\s*(?:thang|t[^\d\s]{1,4}g)\s*([0-9lIO]{1,2})\s*"
    r"n[^\d\s]{0,2}m\s*([0-9lIO]{4})"
)


_DATE_LOOSE = re.compile(
    r"(?:,|ngay)[^\d]{0,12}?([0-9lo]{1,2})(?![0-9])[^\d]{1,10}?([0-9lo]{1,2})(?![0-9])"
    r"[^\d]{1,10}?((?:19|20)[0-9lo]{2})(?![0-9])"
)


def _date_match(lines):
    """-> (line index, match, loose): "ngày 10 tháng 4 năm 2017", else three numbers after the place's comma
    ("Huệ? 13 tháng 2", "17 bún: 4 năm") on the same lines."""
    for loose, pattern in ((False, _DATE), (True, _DATE_LOOSE)):
        for i, line in enumerate(lines):
            m = pattern.search(fold(line))
            if m:
                return i, m, loose
    return None, None, False


def _find_date(lines, out, window):
    i, m, loose = _date_match(lines[:window])
    if m is None and window < len(lines):
        i, m, loose = _date_match(lines)
        loose = True
    for line in [lines[i]] if m else []:
        raw_nums = [line[m.start(k) : m.end(k)] for k in (1, 2, 3)]
        nums = [n.translate(_DIGITISH) for n in raw_nums]
        corrected = nums != raw_nums or line[m.start() : m.start() + 4] != "ngày"
        try:
            value = datetime.date(int(nums[2]), int(nums[1]), int(nums[0]))
            conf = 0.55 if loose else 0.75 if corrected else 0.95
        except ValueError:
            value, conf = None, 0.0
        out.issued_date = Field(value, conf, line[m.start() : m.end()])
        before = line[: m.start() + (1 if line[m.start()] == "," else 0)]
        place = re.split(r"\s{3,}", before.rstrip(" ,"))[-1].strip(" ,")
        place = re.sub(r"^.*?\d\S*\s+", "", place) if _NUMBER_LINE.search(fold(before)) else place
        place = re.sub(r"^(?:" + _JUNK + r"|\s)+|(?:" + _JUNK + r"|\s)+$", "", place)
        if place:
            pconf = 0.55 if loose else 0.7 if place.isascii() or corrected else 0.9
            out.place = Field(_squash(place), pconf, place)
        return i
    return None


# ---------------------------------------------------------------- type and subject


def _match_type(seg, doc_types):
    f = _squash(fold(_dejunk(seg)))
    if not f or len(f) > 40:
        return None, 0.0
    best = (None, 0.0)
    for name, _ in doc_types:
        r = max(_ratio(f, fold(name)), _ratio(f.replace(" ", ""), fold(name).replace(" ", "")))
        if r > best[1]:
            best = (name, r)
    return best if best[1] >= 0.8 else (None, 0.0)


_VV = r"^v\s*(?:[/il1|⁄\\]\s*[vw]?|[vw])\.?(?=\s)"  # "V/v", "V/V", "VW", "V⁄", "Vlv"


def _subject_lines(lines, start, column=0.6, left=False):
    """The subject: up to 3 lines, a line continuing the previous only when that one was nearly full (a
    centred subject wraps; the body that follows starts a new paragraph). ``left``: the "V/v" of a công văn,
    wrapped narrowly under the number, runs until a blank line (4 lines at most, none as long as the body's)."""
    long = sorted(len(_squash(line)) for line in lines if len(_squash(line)) > 40)
    full = long[len(long) // 2] if long else 80  # a body line
    got = []
    for k, line in enumerate(lines[start:], start):
        if left and got and not _squash(line) and _continues(lines, k + 1, full):
            continue  # a wrapped "V/v" line set apart by a blank: its words go on in small letters
        if got and not left and (len(got[-1]) < column * full or len(_squash(line)) > 0.9 * full):
            break  # the subject ended, or the body (full lines) began
        if got and left and (len(_squash(line)) > 0.75 * full or fold(line).lstrip().startswith("kinh")):
            break
        s = _dejunk(_squash(line))
        if s and _squash(line).endswith(",") and not s.endswith(","):
            s += ","  # a subject wrapped after a comma ("cán bộ," / "công chức") keeps it
        f = fold(s)
        if not s and not got:
            continue
        heading = _upper_ratio(s) > 0.8 and sum(c.isalpha() for c in s) >= 6 and not re.search(r"\d", s)
        if not s or _is_rule(s) or f.startswith(("can cu", "kinh ", "noi nhan")) or (got and heading):
            break
        got.append(s)
        if len(got) == (4 if left else 3):
            break
    return got


def _continues(lines, at, full):
    """The line at ``at`` goes on with the "V/v" above a blank line: short, first word in small letters (a new
    paragraph, "Kính gửi" or the body, starts with a capital)."""
    s = _dejunk(_squash(lines[at])) if at < len(lines) else ""
    return bool(s) and s[:1].isalpha() and s[:1].islower() and len(s) < 0.75 * full and not fold(s).startswith("kinh")


def _find_type_subject(lines, start, doc_types, out, issuer=None):
    by_abbrev = {fold(a): n for n, a in doc_types if a}
    notation = out.code_notation.value or ""
    parts = notation.split("/")[-1].split("-")
    head = parts[0]
    from_code = by_abbrev.get(fold(head)) if head else None
    if from_code and issuer is not None and issuer.short and fold(issuer.short) == fold(head) and len(parts) == 2:
        from_code = None  # "TTr-VP" of the Thanh tra: its own code and a unit's, a công văn (not a Tờ trình)
    heading, heading_at, hconf = None, None, 0.0
    for i in range(start, min(len(lines), start + 8)):
        name, r = _match_type(lines[i], doc_types) if _upper_ratio(lines[i]) > 0.8 else (None, 0.0)
        if name:
            heading, heading_at, hconf = name, i, r
            break
    vv_at = None
    for i in range(start, min(len(lines), start + 10)):
        if re.match(_VV, fold(_dejunk(lines[i]))) or fold(lines[i]).startswith("ve viec"):
            vv_at = i
            break
    if heading:
        conf = 0.95 if heading == from_code else (0.8 if hconf >= 0.95 else 0.65)
        out.doc_type = Field(heading, conf, lines[heading_at])
        sub = _subject_lines(lines, heading_at + 1)
    else:
        if from_code:
            out.doc_type = Field(from_code, 0.8, notation)
        elif vv_at is not None or notation:
            cv = next((n for n, a in doc_types if fold(n) == "cong van"), "Công văn")
            out.doc_type = Field(cv, 0.75 if vv_at is not None else 0.5, notation)
        sub = _subject_lines(lines, vv_at, left=True) if vv_at is not None else []
    if sub:
        text = " ".join(sub).rstrip(" ,")
        if vv_at is not None and not heading:
            text = re.sub(r"^\S+\s*", "V/v ", text) if re.match(_VV, fold(text)) else text
        conf = 0.85 if text.isascii() is False else 0.6
        if _suspicious(text):
            conf = min(conf, 0.55)
        out.subject = Field(text, conf, "\n".join(sub))


# ---------------------------------------------------------------- entry points


def extract(text, *, agencies=(), doc_types=(), doubts=()):
    """``doubts``: the words the OCR hesitated on (``reading.hesitations``); a field read from one of them is
    flagged, with the alternative reading in its note."""
    out = Prefill()
    try:
        lines = _clean_text(text)
        doc_types = list(doc_types) or data.DOC_TYPES
        abbrevs = _abbrev_index(doc_types)
        n_at = _find_number(lines, abbrevs, out)
        d_at = _find_date(lines, out, n_at + 3 if n_at is not None else 12)
        anchors = [i for i in (n_at, d_at) if i is not None]
        if not anchors:
            return out
        pool = entries(agencies)
        issuer = find_issuer(lines, min(anchors), pool, out)
        check_symbol(out, issuer, pool)
        body = max(anchors) + 1
        _find_type_subject(lines, body, doc_types, out, issuer)
        _find_signer(lines, body, out)
        _restore_fields(out, text, [e.name for e in pool])
        _apply_doubts(out, doubts)
    except Exception:
        return Prefill()
    return out


def _restore_fields(out, text, names):
    vocab = _vocabulary(text, extra=[w for n in names + data.PROVINCES for w in n.split()])
    place = out.place.value
    if place:
        places = _known_places(names)
        key = fold(place).replace(" ", "")
        known = places.get(key)
        words = place.split()
        for k in range(min(4, len(words) - 1), 0, -1):  # "TTTI : . Hà Nội": the place is the tail
            if not known and fold("".join(words[-k:])) in places:
                known = places[fold("".join(words[-k:]))]
        close = None if known else max(places, key=lambda k: _ratio(key, k), default=None)
        if known:
            fixed, changed = known, known != place
        elif close and _ratio(key, close) >= 0.8:
            fixed, changed = places[close], True
            out.place = Field(place, min(out.place.confidence, 0.55), out.place.raw)
        else:
            fixed, changed = _restore(place, vocab)
            note = f"Địa danh “{place}” không có trong danh mục tỉnh, thành và danh bạ: hãy đối chiếu."
            out.place = Field(place, min(out.place.confidence, 0.55), out.place.raw, note)
        if changed:
            f = out.place
            out.place = Field(fixed, min(f.confidence, 0.75 if known else 0.65), f.raw, f.note)
    for name in ("subject", "signer_name"):
        f = getattr(out, name)
        if f.value:
            fixed, changed = _restore(f.value, vocab)
            if changed:
                setattr(out, name, Field(fixed, min(f.confidence, 0.65), f.raw))
    if out.recipients.value:
        fixed = [_restore(r, vocab) for r in out.recipients.value]
        if any(c for _, c in fixed):
            out.recipients = Field([r for r, _ in fixed], min(out.recipients.confidence, 0.7), out.recipients.raw)


DOUBT = 10.0  # a runner-up letter this likely (0..100) makes its word doubtful
_DOUBTED = ("code_number", "code_notation", "issued_date", "place", "subject", "signer_name", "recipients")


def _plain(word):
    word = unicodedata.normalize("NFC", word if isinstance(word, str) else "").replace("Ð", "Đ").replace("ð", "đ")
    return re.sub(r"^\W+|\W+$", "", word)


def _apply_doubts(out, doubts):
    """Lower the fields whose source text holds a word the OCR hesitated on (and say which, and how else it
    may read). Only a real difference counts: not case, not punctuation around the word."""
    real = []
    for d in doubts or ():
        if not isinstance(d, dict):
            continue
        word, alt = _plain(d.get("word", "")), _plain(d.get("alt", ""))
        likely = d.get("p", 100.0)
        if not isinstance(likely, (int, float)) or likely < DOUBT:
            continue
        if word and alt and word.lower() != alt.lower():
            real.append((word, alt, _plain(d.get("before", "")), _plain(d.get("after", "")), bool(d.get("again"))))
    if not real:
        return
    places = set(_known_places([]).values())
    for name in _DOUBTED:
        f = getattr(out, name)
        if not f.value or f.confidence <= 0.5 or (name == "place" and f.value in places):
            continue
        tokens = [_plain(t) for t in re.split(r"\s+|/(?=\s)", f.raw or "") if t.strip()]
        for word, alt, before, after, again in real:
            at = [k for k, t in enumerate(tokens) if t == word]
            near = any(
                len(tokens) <= 2
                or (k > 0 and tokens[k - 1] == before)
                or (k + 1 < len(tokens) and tokens[k + 1] == after)
                for k in at
            )
            if at and near:
                why = (
                    f"Đọc lại riêng vùng này, chữ “{word}” thành “{alt}”: hãy đối chiếu với bản quét."
                    if again
                    else f"Chữ “{word}” đọc chưa chắc chắn (có thể là “{alt}”): hãy đối chiếu với bản quét."
                )
                setattr(out, name, Field(f.value, 0.5, f.raw, f.note or why))
                break


_UNIT_WORDS = r"(?:tỉnh|thành phố|thị xã|thị trấn|huyện|quận|xã|phường)"


def _known_places(names):
    """Folded without spaces -> the place as printed: provinces and the places in the directory's names."""
    out = {}
    for name in [*data.PROVINCES, *names]:
        m = re.search(_UNIT_WORDS + r"\s+(.+)$", name) if name not in data.PROVINCES else None
        place = m.group(1) if m else (name if name in data.PROVINCES else None)
        if place and not re.search(_UNIT_WORDS + r"\s", place):
            out.setdefault(fold(place).replace(" ", ""), place)
    return out


def extract_for(text, doubts=()):
    from vpdt.catalog.models import DocumentType
    from vpdt.directory.models import Agency

    agencies = list(Agency.objects.values_list("name", "code", "short_name"))
    doc_types = list(DocumentType.objects.values_list("name", "abbreviation"))
    return extract(text, agencies=agencies, doc_types=doc_types, doubts=doubts)
