"""Username generation following the Vietnamese e-office account policy.

Pure functions, standard library only (no Django), so the module can be used
from bulk data generators as well as from forms and management commands.

Vietnamese full names are written family name first and given name last:
"Nguyễn Văn Minh" is family "Nguyễn", middle names ["Văn"], given name "Minh".

Name style (``tên + chữ cái đầu của họ + chữ cái đầu của tên đệm``)
    1. Base form: given name + family initial + middle initials, lower case,
       without diacritics (đ/Đ -> d): "Nguyễn Văn Minh" -> ``minhnv``.
    2. If the base form is held by someone whose normalised full name is
       different, the extended form: the middle name next to the given name in
       full + given name + initials of the family name and the remaining middle
       names, in order: "Trần Huỳnh Tấn Minh" -> ``tanminhth``.
    3. If the holder of the base form has the same normalised full name, or the
       extended form is taken too, or there is no middle name (so no extended
       form): base form + birth date as zero-padded ``ddmmyyyy``
       (born 15/08/1963 -> ``minhtht15081963``).  The regulation prints one
       example unpadded (``minhtht1581963``); we deliberately always pad, so the
       date part is always 8 digits and unambiguous.
    4. If there is no birth date, or the date form is taken as well: the
       smallest free integer suffix 2, 3, ... appended to the date form (or to
       the base form when there is no birth date): ``minhtht110219732``.

An existing account is never renamed; these functions only choose the
newcomer's username.  Collisions are checked through a ``lookup`` callable:
``lookup(username)`` returns ``None`` if the username is free, otherwise the
normalised full name (see :func:`normalise_full_name`) of its holder.

Province style (``tencanhan.tendonvi``) and organisational accounts
(``<prefix><place>``, e.g. ``vhtttuyphuoc``) are provided as well.

Every generated username matches ``^[a-z0-9.]+$`` and is at most 150
characters long (Django's ``User.username`` limit).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "MAX_LENGTH",
    "USERNAME_RE",
    "UsernameError",
    "base_username",
    "extended_username",
    "name_style_username",
    "normalise_full_name",
    "organisational_username",
    "province_style_username",
    "split_name",
    "strip_diacritics",
]

MAX_LENGTH = 150
USERNAME_RE = re.compile(r"^[a-z0-9.]+$")

# lookup(username) -> None when free, else the holder's normalised full name.
Lookup = Callable[[str], "str | None"]

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_HAS_LETTER = re.compile(r"[a-z]")
# Đ/đ (and the look-alike Icelandic eth) carry a stroke, not a combining mark,
# so Unicode decomposition does not remove it.
_STROKE_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
# Safety net for a lookup that never reports a free name.
_MAX_SUFFIX = 100_000

_INVALID_NAME = "Họ và tên không hợp lệ: cần ít nhất một chữ cái."


class UsernameError(ValueError):
    """Invalid input for username generation (the message is in Vietnamese)."""


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, mapping đ/Đ to d/D.

    Case, spaces and any other characters are kept as they are; the input may
    be in NFC or NFD form.  ``"Đặng Thị Ánh"`` -> ``"Dang Thi Anh"``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE_LETTERS))
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


def _ascii_token(text: str) -> str:
    """Lower-case ASCII form of ``text`` with everything but [a-z0-9] removed."""
    # NFKC first folds compatibility forms (e.g. full-width letters) to ASCII.
    folded = unicodedata.normalize("NFKC", text).lower()
    return _NOT_ALNUM.sub("", strip_diacritics(folded).lower())


def _name_words(full_name: object) -> list[str]:
    """Words of a full name (NFC, original case); raises if there is no letter.

    Whitespace of any kind separates words; words with no letter or digit at
    all (stray punctuation such as "-") are dropped.
    """
    if not isinstance(full_name, str):
        raise UsernameError(_INVALID_NAME)
    words = [w for w in unicodedata.normalize("NFC", full_name).split() if _ascii_token(w)]
    if not _HAS_LETTER.search("".join(_ascii_token(w) for w in words)):
        raise UsernameError(_INVALID_NAME)
    return words


def _checked(username: str) -> str:
    if len(username) > MAX_LENGTH:
        raise UsernameError(f"Tên đăng nhập quá dài: {len(username)} ký tự (tối đa {MAX_LENGTH}).")
    if not USERNAME_RE.match(username):  # pragma: no cover - guaranteed by construction
        raise UsernameError(f"Tên đăng nhập không hợp lệ: {username!r}.")
    return username


def _date_digits(birth_date: datetime.date) -> str:
    if not isinstance(birth_date, datetime.date):
        raise TypeError(f"birth_date must be datetime.date or None, not {type(birth_date).__name__}")
    return f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year:04d}"


def _lenient_normalise(name: object) -> str:
    """normalise_full_name() that never raises (for holder names from lookup)."""
    if not isinstance(name, str):
        return ""
    return " ".join(t for t in (_ascii_token(w) for w in name.split()) if t)


def _first_free(
    personal: str,
    birth_date: datetime.date | None,
    lookup: Lookup,
    make: Callable[[str], str] = lambda p: p,
) -> str:
    """Date form of ``personal`` if free, else the smallest free suffix 2, 3, ..."""
    if birth_date is not None:
        personal += _date_digits(birth_date)
        candidate = _checked(make(personal))
        if lookup(candidate) is None:
            return candidate
    for n in range(2, _MAX_SUFFIX + 2):
        candidate = _checked(make(f"{personal}{n}"))
        if lookup(candidate) is None:
            return candidate
    raise UsernameError(f"Không tìm được tên đăng nhập còn trống cho {make(personal)!r}.")


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, list[str], str]:
    """Split a Vietnamese full name into (family, middles, given).

    Words keep their spelling (NFC-normalised); whitespace is normalised.
    A single-word name gives ``("", [], word)``.
    """
    words = _name_words(full_name)
    if len(words) == 1:
        return "", [], words[0]
    return words[0], words[1:-1], words[-1]


def normalise_full_name(full_name: str) -> str:
    """Identity key of a full name: lower case, no diacritics, single spaces.

    Characters other than [a-z0-9] are removed from each word, so
    ``"  NGUYỄN   Văn minh "`` and its NFD spelling both give ``"nguyen van minh"``.
    """
    return " ".join(_ascii_token(w) for w in _name_words(full_name))


def base_username(full_name: str) -> str:
    """Given name + family initial + middle initials: "Nguyễn Văn Minh" -> minhnv."""
    family, middles, given = split_name(full_name)
    initials = "".join(_ascii_token(w)[0] for w in ([family] if family else []) + middles)
    return _checked(_ascii_token(given) + initials)


def extended_username(full_name: str) -> str | None:
    """Middle name next to the given name in full + given name + other initials.

    "Trương Hoàng Tiến Minh" -> ``tienminhth``.  ``None`` when the name has no
    middle name.
    """
    family, middles, given = split_name(full_name)
    if not middles:
        return None
    initials = "".join(_ascii_token(w)[0] for w in [family, *middles[:-1]])
    return _checked(_ascii_token(middles[-1]) + _ascii_token(given) + initials)


def name_style_username(
    full_name: str,
    birth_date: datetime.date | None,
    lookup: Lookup,
) -> str:
    """Choose the newcomer's name-style username (see the module docstring)."""
    base = base_username(full_name)
    holder = lookup(base)
    if holder is None:
        return base
    if _lenient_normalise(holder) != normalise_full_name(full_name):
        extended = extended_username(full_name)
        if extended is not None and lookup(extended) is None:
            return extended
    return _first_free(base, birth_date, lookup)


# --------------------------------------------------------------------------
# Province style: tencanhan.tendonvi
# --------------------------------------------------------------------------


def _unit_from_abbr(unit_abbr: str | None) -> str:
    if unit_abbr is None or (isinstance(unit_abbr, str) and not unit_abbr.strip()):
        raise UsernameError(
            "Không xác định được tên đơn vị: cần địa chỉ thư điện tử công vụ hoặc tên viết tắt của đơn vị."
        )
    unit = _ascii_token(unit_abbr) if isinstance(unit_abbr, str) else ""
    if not unit:
        raise UsernameError("Tên viết tắt của đơn vị không hợp lệ: cần ít nhất một chữ cái hoặc chữ số.")
    return unit


def _parts_from_email(email: str, unit_abbr: str | None) -> tuple[str, str]:
    invalid = UsernameError(f"Địa chỉ thư điện tử không hợp lệ: {email!r}.")
    text = email.strip()
    if text.count("@") != 1:
        raise invalid
    local, domain = text.split("@")
    if not local or not domain:
        raise invalid
    if "." in local:
        # "nvminh.stttt@binhdinh.gov.vn": the local part is already personal.unit.
        *personal_parts, unit_part = local.split(".")
        personal, unit = _ascii_token("".join(personal_parts)), _ascii_token(unit_part)
    else:
        personal = _ascii_token(local)
        labels = [label for label in domain.lower().split(".") if label]
        if len(labels) >= 4 and labels[-2:] == ["gov", "vn"]:
            # "minhnv@sxd.binhdinh.gov.vn": the unit is the left-most label.
            unit = _ascii_token(labels[0])
        else:
            # No unit sub-domain (e.g. "@binhdinh.gov.vn"): use the given abbreviation.
            unit = _unit_from_abbr(unit_abbr)
    if not personal or not unit:
        raise invalid
    return personal, unit


def province_style_username(
    full_name: str,
    birth_date: datetime.date | None,
    lookup: Lookup,
    email: str | None = None,
    unit_abbr: str | None = None,
) -> str:
    """Province-style username ``tencanhan.tendonvi``.

    With an official e-mail address the personal and unit parts come from it;
    otherwise the personal part is :func:`base_username` and the unit part is
    ``unit_abbr`` (lower case, no diacritics).  On collision the birth date
    (``ddmmyyyy``) and then the smallest free suffix 2, 3, ... are appended to
    the personal part: ``minhnv11021973.sxd``, ``minhnv110219732.sxd``.
    """
    base = base_username(full_name)  # also validates the name
    if email is not None and not isinstance(email, str):
        raise UsernameError(f"Địa chỉ thư điện tử không hợp lệ: {email!r}.")
    if email and email.strip():
        personal, unit = _parts_from_email(email, unit_abbr)
    else:
        personal, unit = base, _unit_from_abbr(unit_abbr)

    def make(p: str) -> str:
        return f"{p}.{unit}"

    candidate = _checked(make(personal))
    if lookup(candidate) is None:
        return candidate
    return _first_free(personal, birth_date, lookup, make)


# --------------------------------------------------------------------------
# Organisational accounts
# --------------------------------------------------------------------------


def organisational_username(prefix: str, place_name: str) -> str:
    """Organisational account ``<prefix><place>``: ("vhtt", "Tuy Phước") -> vhtttuyphuoc.

    The place name is used as given (administrative words such as "Huyện"
    are not removed): lower case, no diacritics, no spaces or punctuation.
    """
    clean_prefix = _ascii_token(prefix) if isinstance(prefix, str) else ""
    if not clean_prefix:
        raise UsernameError("Tiền tố tài khoản tổ chức không hợp lệ: cần ít nhất một chữ cái hoặc chữ số.")
    place = _ascii_token(place_name) if isinstance(place_name, str) else ""
    if not _HAS_LETTER.search(place):
        raise UsernameError("Tên địa danh không hợp lệ: cần ít nhất một chữ cái.")
    return _checked(clean_prefix + place)
