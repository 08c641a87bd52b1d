"""Tests for vpdt.accounts.usernames (pure Python, no Django database)."""

import datetime
import importlib.util
import pathlib
import re
import unicodedata

import pytest

try:
    from vpdt.accounts import usernames as u
except ModuleNotFoundError:  # package not installed / src not on sys.path yet
    _path = pathlib.Path(__file__).resolve().parents[1] / "src/vpdt/accounts/usernames.py"
    _spec = importlib.util.spec_from_file_location("vpdt_accounts_usernames", _path)
    u = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(u)


USERNAME = re.compile(r"^[a-z0-9.]+$")


def make_lookup(accounts):
    """accounts: {username: full name as typed}. Returns (lookup, list of queried names)."""
    queried = []

    def lookup(username):
        queried.append(username)
        full_name = accounts.get(username)
        return None if full_name is None else u.normalise_full_name(full_name)

    return lookup, queried


def nfd(text):
    return unicodedata.normalize("NFD", text)


# --- strip_diacritics / split_name / normalise_full_name -------------------


def test_strip_diacritics_keeps_case_and_spaces():
    assert u.strip_diacritics("Đặng Thị Ánh") == "Dang Thi Anh"
    assert u.strip_diacritics("Trương  Hoàng Tiến Minh") == "Truong  Hoang Tien Minh"
    assert u.strip_diacritics("đường Ưng Ơn") == "duong Ung On"


def test_strip_diacritics_accepts_nfd_input():
    assert u.strip_diacritics(nfd("Nguyễn Thị Phượng")) == "Nguyen Thi Phuong"


def test_split_name_three_words():
    assert u.split_name("Nguyễn Văn Minh") == ("Nguyễn", ["Văn"], "Minh")


def test_split_name_two_words_many_words_and_single_word():
    assert u.split_name("Lê Hùng") == ("Lê", [], "Hùng")
    assert u.split_name("Tôn Nữ Thị Ngọc Hân") == ("Tôn", ["Nữ", "Thị", "Ngọc"], "Hân")
    assert u.split_name("Khánh") == ("", [], "Khánh")


def test_split_name_normalises_whitespace_and_returns_nfc():
    family, middles, given = u.split_name("  Phạm\t Thị \u00a0 Hồng  \n")
    assert (family, middles, given) == ("Phạm", ["Thị"], "Hồng")
    family, middles, given = u.split_name(nfd("Phạm Thị Hồng"))
    assert unicodedata.is_normalized("NFC", family + given)
    assert (family, given) == ("Phạm", "Hồng")


def test_normalise_full_name():
    assert u.normalise_full_name("  NGUYỄN   Văn\tminh ") == "nguyen van minh"
    assert u.normalise_full_name(nfd("Đỗ Đức Đạt")) == "do duc dat"
    assert u.normalise_full_name("Đỗ Đức Đạt") == u.normalise_full_name(nfd("đỗ  đức đạt"))


# --- base and extended forms ------------------------------------------------


def test_base_username_regulation_example():
    assert u.base_username("Nguyễn Văn Minh") == "minhnv"


def test_base_username_two_words():
    assert u.base_username("Lê Hùng") == "hungl"


def test_base_username_many_words_and_single_word():
    assert u.base_username("Trương Hoàng Tiến Minh") == "minhtht"
    assert u.base_username("Tôn Nữ Thị Ngọc Hân") == "hantntn"
    assert u.base_username("Khánh") == "khanh"


def test_base_username_d_with_stroke():
    assert u.base_username("Đỗ Đức Đạt") == "datdd"
    assert u.base_username("Đặng Thị Ánh") == "anhdt"


def test_base_username_nfd_and_messy_input():
    assert u.base_username(nfd("Nguyễn Thị Phượng")) == "phuongnt"
    assert u.base_username("  nguyễn   VĂN   minh ") == "minhnv"
    # Ethnic-minority names with apostrophes/hyphens: punctuation is dropped.
    assert u.base_username("H'Hen Niê") == "nieh"
    assert u.base_username("Nguyễn - Văn Minh") == "minhnv"


def test_extended_username_regulation_examples():
    assert u.extended_username("Trương Hoàng Tiến Minh") == "tienminhth"
    assert u.extended_username("Trần Huỳnh Tấn Minh") == "tanminhth"
    assert u.extended_username("Nguyễn Văn Minh") == "vanminhn"


def test_extended_username_none_without_middle_name():
    assert u.extended_username("Lê Hùng") is None
    assert u.extended_username("Khánh") is None


# --- name_style_username ----------------------------------------------------


def test_name_style_free_base_form():
    lookup, queried = make_lookup({})
    assert u.name_style_username("Nguyễn Văn Minh", None, lookup) == "minhnv"
    assert queried == ["minhnv"]


def test_name_style_regulation_scenario_different_person_gets_extended_form():
    # Trương Hoàng Tiến Minh already holds minhtht.
    lookup, _ = make_lookup({"minhtht": "Trương Hoàng Tiến Minh"})
    username = u.name_style_username("Trần Huỳnh Tấn Minh", datetime.date(1980, 5, 1), lookup)
    assert username == "tanminhth"

    lookup, _ = make_lookup({"minhtht": "Trần Huỳnh Tấn Minh"})
    username = u.name_style_username("Trương Hoàng Tiến Minh", None, lookup)
    assert username == "tienminhth"


def test_name_style_identical_name_goes_straight_to_date_form():
    lookup, queried = make_lookup({"minhtht": "Trương Hoàng Tiến Minh"})
    username = u.name_style_username("Trương Hoàng Tiến Minh", datetime.date(1973, 2, 11), lookup)
    assert username == "minhtht11021973"
    # The (free) extended form was not even considered.
    assert "tienminhth" not in queried


def test_name_style_identical_name_detected_across_spelling_variants():
    lookup, _ = make_lookup({"minhtht": "Trương Hoàng Tiến Minh"})
    username = u.name_style_username(nfd("  TRƯƠNG hoàng  Tiến minh"), datetime.date(1973, 2, 11), lookup)
    assert username == "minhtht11021973"


def test_name_style_date_form_is_zero_padded_ddmmyyyy():
    # Regulation prints 15/8/1963 as "1581963"; we always use ddmmyyyy.
    lookup, _ = make_lookup({"minhtht": "Trương Hoàng Tiến Minh"})
    username = u.name_style_username("Trương Hoàng Tiến Minh", datetime.date(1963, 8, 15), lookup)
    assert username == "minhtht15081963"
    assert username != "minhtht1581963"


def test_name_style_extended_form_taken_falls_back_to_date_form_on_base():
    lookup, _ = make_lookup({"minhtht": "Trương Hoàng Tiến Minh", "tanminhth": "Trần Huỳnh Tấn Minh"})
    username = u.name_style_username("Trần Huỳnh Tấn Minh", datetime.date(1963, 8, 15), lookup)
    assert username == "minhtht15081963"


def test_name_style_no_middle_name_collision_uses_date_form():
    lookup, _ = make_lookup({"hungl": "Lý Hưng"})
    username = u.name_style_username("Lê Hùng", datetime.date(1990, 1, 3), lookup)
    assert username == "hungl03011990"


def test_name_style_date_form_taken_gets_smallest_free_suffix():
    accounts = {
        "minhtht": "Trương Hoàng Tiến Minh",
        "minhtht11021973": "Trương Hoàng Tiến Minh",
    }
    lookup, _ = make_lookup(accounts)
    born = datetime.date(1973, 2, 11)
    assert u.name_style_username("Trương Hoàng Tiến Minh", born, lookup) == "minhtht110219732"

    accounts["minhtht110219732"] = "Trương Hoàng Tiến Minh"
    assert u.name_style_username("Trương Hoàng Tiến Minh", born, lookup) == "minhtht110219733"


def test_name_style_without_birth_date_suffixes_base_form():
    accounts = {"minhnv": "Nguyễn Văn Minh", "vanminhn": "Nguyễn Văn Minh"}
    lookup, _ = make_lookup(accounts)
    assert u.name_style_username("Nguyễn Văn Minh", None, lookup) == "minhnv2"
    accounts["minhnv2"] = "Nguyễn Văn Minh"
    accounts["minhnv3"] = "Nguyễn Văn Minh"
    assert u.name_style_username("Nguyễn Văn Minh", None, lookup) == "minhnv4"


def test_name_style_accepts_datetime_birth_date():
    lookup, _ = make_lookup({"anhdt": "Đặng Thị Ánh"})
    born = datetime.datetime(2001, 12, 9, 8, 30)
    assert u.name_style_username("Đặng Thị Ánh", born, lookup) == "anhdt09122001"


def test_name_style_rejects_non_date_birth_date():
    lookup, _ = make_lookup({"anhdt": "Đặng Thị Ánh"})
    with pytest.raises(TypeError):
        u.name_style_username("Đặng Thị Ánh", "09/12/2001", lookup)


def test_generated_usernames_match_policy_pattern():
    names = [
        "Nguyễn Văn Minh",
        "Lê Hùng",
        "Đỗ Đức Đạt",
        "Tôn Nữ Thị Ngọc Hân",
        nfd("Huỳnh Thị Thu Hương"),
        "Bùi Quốc Việt",
        "Y Moan Êban",
    ]
    taken = {}
    lookup, _ = make_lookup(taken)
    for name in names * 3:  # force collisions
        username = u.name_style_username(name, datetime.date(1985, 7, 4), lookup)
        assert USERNAME.match(username) and len(username) <= 150
        assert username not in taken
        taken[username] = name
    assert len(taken) == len(names) * 3


# --- province_style_username ------------------------------------------------


def test_province_style_from_email_with_unit_subdomain():
    lookup, _ = make_lookup({})
    username = u.province_style_username("Nguyễn Văn Minh", None, lookup, email="minhnv@sxd.binhdinh.gov.vn")
    assert username == "minhnv.sxd"


def test_province_style_from_email_local_part_with_dot():
    lookup, _ = make_lookup({})
    username = u.province_style_username("Nguyễn Văn Minh", None, lookup, email="nvminh.stttt@binhdinh.gov.vn")
    assert username == "nvminh.stttt"


def test_province_style_email_is_lowercased_and_trimmed():
    lookup, _ = make_lookup({})
    username = u.province_style_username("Nguyễn Văn Minh", None, lookup, email="  MinhNV@SXD.BinhDinh.gov.vn ")
    assert username == "minhnv.sxd"


def test_province_style_email_without_unit_subdomain_uses_unit_abbr():
    lookup, _ = make_lookup({})
    username = u.province_style_username("Phạm Thị Hồng", None, lookup, email="honghp@binhdinh.gov.vn", unit_abbr="SNV")
    assert username == "honghp.snv"


def test_province_style_without_email_uses_base_and_unit_abbr():
    lookup, _ = make_lookup({})
    assert u.province_style_username("Nguyễn Văn Minh", None, lookup, unit_abbr="SXD") == "minhnv.sxd"
    assert u.province_style_username("Đỗ Đức Đạt", None, lookup, email="", unit_abbr=" Sở-TTTT ") == "datdd.sotttt"


def test_province_style_collision_appends_birth_date_then_suffix():
    accounts = {"minhnv.sxd": "Nguyễn Văn Minh"}
    lookup, _ = make_lookup(accounts)
    born = datetime.date(1973, 2, 11)
    args = ("Nguyễn Văn Minh", born, lookup)
    assert u.province_style_username(*args, unit_abbr="sxd") == "minhnv11021973.sxd"

    accounts["minhnv11021973.sxd"] = "Nguyễn Văn Minh"
    assert u.province_style_username(*args, email="minhnv@sxd.binhdinh.gov.vn") == "minhnv110219732.sxd"


def test_province_style_collision_without_birth_date_uses_suffix():
    lookup, _ = make_lookup({"nvminh.stttt": "Nguyễn Văn Minh"})
    username = u.province_style_username("Nguyễn Văn Minh", None, lookup, email="nvminh.stttt@binhdinh.gov.vn")
    assert username == "nvminh2.stttt"


@pytest.mark.parametrize(
    "email",
    [
        "minhnv",
        "minhnv@",
        "@sxd.binhdinh.gov.vn",
        "a@b@binhdinh.gov.vn",
        ".sxd@binhdinh.gov.vn",
    ],
)
def test_province_style_invalid_email(email):
    lookup, _ = make_lookup({})
    with pytest.raises(u.UsernameError, match="thư điện tử không hợp lệ"):
        u.province_style_username("Nguyễn Văn Minh", None, lookup, email=email, unit_abbr="sxd")


def test_province_style_needs_email_or_unit():
    lookup, _ = make_lookup({})
    with pytest.raises(u.UsernameError, match="tên đơn vị"):
        u.province_style_username("Nguyễn Văn Minh", None, lookup)
    with pytest.raises(u.UsernameError, match="tên đơn vị"):
        u.province_style_username("Nguyễn Văn Minh", None, lookup, email="minhnv@binhdinh.gov.vn")
    with pytest.raises(u.UsernameError, match="viết tắt"):
        u.province_style_username("Nguyễn Văn Minh", None, lookup, unit_abbr="--")


# --- organisational_username -----------------------------------------------


def test_organisational_username():
    assert u.organisational_username("vhtt", "Tuy Phước") == "vhtttuyphuoc"
    assert u.organisational_username("VHTT", nfd("Đồng Xuân")) == "vhttdongxuan"
    assert u.organisational_username("ubnd", "Quận 1") == "ubndquan1"


def test_organisational_username_invalid():
    with pytest.raises(u.UsernameError, match="địa danh"):
        u.organisational_username("vhtt", "  ")
    with pytest.raises(u.UsernameError, match="Tiền tố"):
        u.organisational_username("", "Tuy Phước")


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "   ", "\t\n", "123 456", "- ... -", "王小明", None])
def test_invalid_full_names_raise(bad):
    lookup, _ = make_lookup({})
    for call in (
        lambda: u.split_name(bad),
        lambda: u.normalise_full_name(bad),
        lambda: u.base_username(bad),
        lambda: u.extended_username(bad),
        lambda: u.name_style_username(bad, None, lookup),
        lambda: u.province_style_username(bad, None, lookup, unit_abbr="sxd"),
    ):
        with pytest.raises(u.UsernameError) as excinfo:
            call()
        assert str(excinfo.value) == "Họ và tên không hợp lệ: cần ít nhất một chữ cái."


def test_username_error_is_value_error():
    assert issubclass(u.UsernameError, ValueError)


def test_too_long_username_raises():
    with pytest.raises(u.UsernameError, match="quá dài"):
        u.base_username("Nguyễn " + "a" * 150)
    # 149 + family initial = 150: still allowed.
    assert len(u.base_username("Nguyễn " + "a" * 149)) == 150
