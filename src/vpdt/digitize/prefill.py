"""Prefill the registration form from the OCR text of a document's first page (ND30 layout).

Pure functions: ``extract(text, agencies=, doc_types=)`` never touches the database and never raises on
garbage; ``extract_for(text)`` loads the directory and the catalog first. Every field carries a confidence
in [0, 1] that drops when the value had to be corrected (OCR confusion, fuzzy match) or guessed.

Number and symbol follow ``IncomingDocument``: ``code_number`` is the part before the first "/" ("44"),
``code_notation`` the rest ("2017/QĐ-UBND", "QĐ-BDT", "BNV-VP").
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field, fields
from difflib import SequenceMatcher

from . import prefill_data as data


@dataclass
class Field:
    value: object = None
    confidence: float = 0.0
    raw: str = ""


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


# ---------------------------------------------------------------- text helpers

def fold_char(ch):
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return (base[:1] or ch).lower()


def fold(s):
    """Lower case without diacritics, character for character (same length as ``s`` in NFC)."""
    return "".join(fold_char(c) for c in s)


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
        if not good or wl == good or len(wl) != len(good) or not all(
                a == b or a == fold_char(b) for a, b in zip(wl, good)):
            return w
        changed = True
        return good.upper() if w.isupper() and len(w) > 1 else (good[:1].upper() + good[1:] if w[:1].isupper()
                                                                else good)
    return re.sub(r"[^\W\d_]+", fix, s), changed


# ---------------------------------------------------------------- number and symbol

_NUMBER_LINE = re.compile(r"(?:^|\s{3,})(?:[^\w\s]|_)*\s*[s§$5&]\s*[o0ô6óð]\s*(?:[:;.,]\s*|(?=\d))")
_JUNK = r"(?:[^\w\s()]|_)"  # OCR dust: dots, dashes, quotes and rules between and around the columns
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
        if rest[:1] in "UuL":   # "1/" merged into one glyph
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
        rest = line[m.end():]
        label = line[m.start():m.end()].strip()
        rest = re.sub(r"(?<=[A-Z])\s(?=[a-z]-)", "", rest.replace("\u2044", "/"))  # "TT r-UBND"
        rest = re.sub(r"-\s*-", "-", rest)
        caps = r"(?=[A-ZĐ0-9]+(?:[\s/.,;:-]|$))"  # "QĐ- BDT" is one symbol, "BDT - Bình Định" is not
        rest = re.sub(r"(?<=\w)\s+([/-])" + caps + r"|(?<=\w)([/-])\s+" + caps, r"\1\2", rest)
        token = re.sub("^" + _JUNK + "+", "", rest.strip()).split(" ")[0] if rest.strip() else ""
        token = re.sub(r"(?<=[A-Za-zĐđ])[:_.](?=[A-Za-zĐđ])", "-", re.sub(_JUNK + r"+$", "", token))
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

_DATE = re.compile(r"ngay\s*[^\d\s]?\s*([0-9lIO]{1,2})\s*(?:thang|t[^\d\s]{1,4}g)\s*([0-9lIO]{1,2})\s*"
                   r"n[^\d\s]{0,2}m\s*([0-9lIO]{4})")


_DATE_LOOSE = re.compile(r"(?:,|ngay)[^\d]{0,12}?([0-9lo]{1,2})(?![0-9])[^\d]{1,10}?([0-9lo]{1,2})(?![0-9])"
                         r"[^\d]{1,10}?((?:19|20)[0-9lo]{2})(?![0-9])")


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
        raw_nums = [line[m.start(k):m.end(k)] for k in (1, 2, 3)]
        nums = [n.translate(_DIGITISH) for n in raw_nums]
        corrected = nums != raw_nums or line[m.start():m.start() + 4] != "ngày"
        try:
            value = datetime.date(int(nums[2]), int(nums[1]), int(nums[0]))
            conf = 0.55 if loose else 0.75 if corrected else 0.95
        except ValueError:
            value, conf = None, 0.0
        out.issued_date = Field(value, conf, line[m.start():m.end()])
        before = line[:m.start() + (1 if line[m.start()] == "," else 0)]
        place = re.split(r"\s{3,}", before.rstrip(" ,"))[-1].strip(" ,")
        place = re.sub(r"^.*?\d\S*\s+", "", place) if _NUMBER_LINE.search(fold(before)) else place
        place = re.sub(r"^(?:" + _JUNK + r"|\s)+|(?:" + _JUNK + r"|\s)+$", "", place)
        if place:
            pconf = 0.55 if loose else 0.7 if place.isascii() or corrected else 0.9
            out.place = Field(_squash(place), pconf, place)
        return i
    return None


# ---------------------------------------------------------------- issuer

_PLACE_WORDS = ("tinh ", "thanh pho ", "huyen ", "quan ", "xa ", "phuong ", "thi xa ", "tp ")


def _expand(f):
    return " ".join(data.EXPAND.get(w, w) for w in f.split())


_MOTTO_START = r"c\W*o\W*n\W*g\W*h\W*o\W*a\b|\bd\W*o\W*c\W+\S*\W+t\W*u\W*d\W*o|t\W*u\s*d\W*o\W+h\W*a\W*n\W*h"


def _header_lines(lines, stop):
    out = []
    for line in lines[:stop]:
        f = fold(line)
        for pattern in data.MOTTO:
            for m in reversed(list(re.finditer(pattern, f))):
                line = line[:m.start()] + " " * (m.end() - m.start()) + line[m.end():]
                f = fold(line)
        cut = re.search(_MOTTO_START, f)  # OCR joins the columns: the motto, even misread, ends the line
        line = line[:cut.start()] if cut else line
        for seg in _segments(line):
            seg = _dejunk(seg)
            if not _is_rule(seg) and sum(c.isalpha() for c in seg) >= 2 and _upper_ratio(seg) > 0.6:
                out.append(seg.strip(" -_"))
    return out


def _find_issuer(lines, stop, agencies, out):
    head = _header_lines(lines, stop)[:3]
    if not head:
        return
    last = head[-1]
    display = last if len(head) > 1 and not fold(last).startswith(_PLACE_WORDS) else " ".join(head)
    raw = " / ".join(head)
    if agencies:
        folded = [_expand(fold(h)) for h in head]
        parent_place = re.sub(r"^(uy ban nhan dan|hoi dong nhan dan|so \S+( \S+)?|bo)\s*", "", folded[0])
        cands = {" ".join(folded), folded[-1], f"{folded[-1]} {parent_place}".strip(), " ".join(folded[-2:])}
        best = (0.0, None)
        for name, code in agencies:
            fn = _expand(fold(name))
            r = max(_ratio(c, fn) for c in cands)
            if r > best[0]:
                best = (r, (name, code))
        if best[0] >= 0.75:
            exact = best[0] == 1.0 and not raw.isascii()
            conf = 0.95 if exact else round(min(0.85, best[0] * 0.9), 2)
            out.issuer_name = Field(best[1][0], conf, raw)
            out.issuer_code = Field(best[1][1], conf, raw)
            return
    out.issuer_name = Field(_squash(display), 0.5, raw)


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


_VV = r"^v\s*(?:[/il1|⁄\\]\s*[vw]?|[vw])\.?(?=\s)"  # "V/v", "V/V", "VW", "V⁄", "Vlv"


def _subject_lines(lines, start, column=0.6):
    """The subject: up to 3 lines, a line continuing the previous only when that one was nearly full (a
    centred subject wraps; the body that follows starts a new paragraph)."""
    long = sorted(len(_squash(line)) for line in lines if len(_squash(line)) > 40)
    full = long[len(long) // 2] if long else 80  # a body line
    got = []
    for line in lines[start:]:
        if got and len(got[-1]) < column * full:
            break
        s = _dejunk(_squash(line))
        f = fold(s)
        if not s and not got:
            continue
        heading = _upper_ratio(s) > 0.8 and sum(c.isalpha() for c in s) >= 6 and not re.search(r"\d", s)
        if not s or _is_rule(s) or f.startswith(("can cu", "kinh ", "noi nhan")) or (got and heading):
            break
        got.append(s)
        if len(got) == 3:
            break
    return got


def _find_type_subject(lines, start, doc_types, out):
    by_abbrev = {fold(a): n for n, a in doc_types if a}
    notation = out.code_notation.value or ""
    head = notation.split("/")[-1].split("-")[0]
    from_code = by_abbrev.get(fold(head)) if head else None
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
        sub = _subject_lines(lines, vv_at, column=0.3) if vv_at is not None else []
    if sub:
        text = " ".join(sub)
        if vv_at is not None and not heading:
            text = re.sub(r"^\S+\s*", "V/v ", text) if re.match(_VV, fold(text)) else text
        conf = 0.85 if text.isascii() is False else 0.6
        if _suspicious(text):
            conf = min(conf, 0.55)
        out.subject = Field(text, conf, "\n".join(sub))


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
    """"Nơi nhận:", also "Nữ nhện.", "Nơi niữn," or "Nơinhận." from a blurred italic line."""
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
            right.insert(0, bare + ("." if fold(bare) in data.AUTHORITIES_FOLDED and "." in t[len(bare):] or
                                    fold(bare) in data.AUTHORITIES_FOLDED and t.endswith((",", ":")) else ""))
            tokens.pop()
            continue
        break
    if (len(right) == 1 and fold(right[0].rstrip(".")) in data.AUTHORITIES_FOLDED and tokens
            and tokens[-1].endswith(",")):  # "Lưu: VT, KT.": a unit code in a list, not "KT." of a block
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
    pieces = item.split(";")
    item = pieces[0]
    for piece in pieces[1:]:  # "Chủ tịch; các PCT": a comma read as a semicolon; anything else is dust
        if not re.match(r"^\s*[a-zà-ỹđ]\S", piece):
            clean = clean and not any(_real(w) for w in piece.split())
            break
        item, clean = f"{item}, {piece.strip()}", False
    item = _dejunk(item)
    trimmed = re.sub(r"(?:,\s*[^\W\d_A-ZĐ]{1,2}\b)+$", "", item)  # "Website, s": dust after the item
    clean, item = clean and trimmed == item, trimmed
    item = re.sub(r"^Nh\S(?= (?:trên|Điều)\b)", "Như", item)  # ND30's "Như trên", "Như Điều 3"
    archive = re.match(r"^L\S{1,2}u\s*:?\s*V\S?(?:[\s,.;j]*([A-ZĐ]\S*.*))?$", item)  # ND30: "Lưu: VT, <unit>"
    if archive:
        fixed = "Lưu: VT" + (f", {archive.group(1)}" if archive.group(1) else "")
        clean = clean and fixed == item
        item = fixed
    stripped = re.sub(r"(?:[^\w\s)]|_|\s)+$", "", item)
    return (stripped, clean and stripped == item.rstrip(" .,")) if stripped else None


_TYPE_NAMES = frozenset(fold(n) for n, _ in data.DOC_TYPES)


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
        pool = ([inline] if inline else []) + segs[rec_at + 1:]
        names = [k for k, s in enumerate(pool) if _NAME.match(_dejunk(s)) and all(
            w[:1].isupper() for w in _dejunk(s).split())]
        pool = [s for k, s in enumerate(pool) if not names or k != names[-1]]  # the signer's name
        for s in pool:
            got = _recipient(s)
            if got:
                recipients.append(got[0])
                clean_all = clean_all and got[1]
        if recipients:
            clean_all = clean_all and not any(_suspicious(r) for r in recipients)
            out.recipients = Field(recipients, 0.85 if clean_all else 0.55, "\n".join(pool))
    rest = [_dejunk(s) for i, s in enumerate(segs) if i != rec_at and not _BULLET.match(s)]
    rest = [s for s in rest if s]
    auth_at = None
    for i, s in enumerate(rest):
        m = _AUTH.match(fold(s))
        if m and _upper_ratio(s) > 0.7:
            auth_at = i
            out.authority = Field(m.group(1).upper(), 0.9, s)
    pos_lines, name = [], None
    scan = rest[auth_at + 1:] if auth_at is not None else rest
    words = _signature_words()
    for s in scan:
        if _upper_ratio(s) > 0.8 and not _AUTH.match(fold(s)) and len(s) < 60 and all(
                fold(w.strip(_TOKEN_PUNCT)) in words for w in s.split()):
            pos_lines.append(s)
        elif _NAME.match(s) and all(w[:1].isupper() for w in s.split()) and fold(s) not in _TYPE_NAMES:
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
        value = name if not name.isupper() else name.title()
        conf = 0.9 if not value.isascii() else 0.7
        out.signer_name = Field(value, conf, name)


# ---------------------------------------------------------------- entry points

def extract(text, *, agencies=(), doc_types=()):
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
        _find_issuer(lines, min(anchors), list(agencies), out)
        body = max(anchors) + 1
        _find_type_subject(lines, body, doc_types, out)
        _find_signer(lines, body, out)
        _restore_fields(out, text, agencies)
    except Exception:  # noqa: BLE001 - a prefill must never break the registration screen
        return Prefill()
    return out


def _restore_fields(out, text, agencies):
    names = [n for n, _ in agencies]
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
        if changed:
            out.place = Field(fixed, min(out.place.confidence, 0.75 if known else 0.65), out.place.raw)
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


def extract_for(text):
    from vpdt.catalog.models import DocumentType
    from vpdt.directory.models import Agency

    agencies = list(Agency.objects.values_list("name", "code"))
    doc_types = list(DocumentType.objects.values_list("name", "abbreviation"))
    return extract(text, agencies=agencies, doc_types=doc_types)
