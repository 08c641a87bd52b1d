"""The helpers every template has: dates in Vietnam time, dd/mm/yyyy, as Django's ``date`` filter writes them;
the paths of object pages, as ``{% url %}`` writes them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import engines

UTC = dt.UTC


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ v|dmy }}", "07/12/2026"),
        ("{{ v|hm_dmy }}", "01:30 07/12/2026"),
        ("{{ v|dmy_hm }}", "07/12/2026 01:30"),
    ],
)
def test_a_moment_is_written_in_vietnam_time(source, expected):
    # 18:30 UTC on 6 December is 01:30 on 7 December in Hà Nội.
    assert render(source, v=dt.datetime(2026, 12, 6, 18, 30, tzinfo=UTC)) == expected


@pytest.mark.parametrize("fmt", ["d/m/Y", "H:i d/m/Y", "d/m/Y H:i"])
def test_the_same_text_as_djangos_date_filter(fmt):
    name = {"d/m/Y": "dmy", "H:i d/m/Y": "hm_dmy", "d/m/Y H:i": "dmy_hm"}[fmt]
    for moment in (
        dt.datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        dt.datetime(2025, 12, 31, 23, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    ):
        ours, djangos = "{{ v|" + name + " }}", '{{ v|date:"' + fmt + '" }}'
        assert render(ours, v=moment) == render(djangos, v=moment)


def test_a_day_has_no_time():
    day = dt.date(2026, 3, 9)
    assert render("{{ v|dmy }}|{{ v|hm_dmy }}|{{ v|dmy_hm }}", v=day) == "09/03/2026|09/03/2026|09/03/2026"


@pytest.mark.parametrize("value", [None, "", "không phải ngày"])
def test_an_empty_or_wrong_value_writes_nothing(value):
    assert render("[{{ v|dmy }}][{{ v|hm_dmy }}]", v=value) == "[][]"


CLIPPED = [
    "Về việc triển khai Kế hoạch chuyển đổi số tỉnh Nghệ An năm 2027 và định hướng đến năm 2030 tại các sở, ngành",
    "Báo cáo",
    "",
    "Công văn đúng " + "x" * 9,  # exactly the length
    "Tiếng Việt viết dựng sẵn: ".ljust(30, "ạ"),
    "Tiếng Việt tổ hợp: Hà Tĩnh, Nghệ An, Quảng Bình, Thừa Thiên Huế".replace("à", "a\u0300").replace(
        "ệ", "e\u0323\u0302"
    ),
    "a\u0301" * 40,
    "<b>Trích yếu</b> & dấu “ngoặc”",
]


@pytest.mark.parametrize("text", CLIPPED)
@pytest.mark.parametrize("length", [0, 1, 5, 20, 120])
def test_clip_cuts_as_djangos_truncatechars(text, length):
    import unicodedata

    ours = render("{{ v|clip:n }}", v=text, n=length)
    djangos = render("{{ v|truncatechars:n }}", v=text, n=length)
    assert unicodedata.normalize("NFC", ours) == unicodedata.normalize("NFC", djangos)


def test_clip_with_a_wrong_length_keeps_the_text():
    assert render("{{ v|clip:'nhiều' }}", v="Trích yếu") == "Trích yếu"


def names_in_templates() -> list[str]:
    """Every URL name the templates write through ``|path:``."""
    import re
    from pathlib import Path

    import vpdt

    found = set()
    for template in Path(vpdt.__file__).parent.rglob("*.html"):
        found |= set(re.findall(r"\|path:'([a-z_]+:[a-z_]+)'", template.read_text(encoding="utf-8")))
    return sorted(found)


def test_the_templates_write_paths():
    assert {"incoming:detail", "outgoing:detail", "outgoing:recall"} <= set(names_in_templates())


@pytest.mark.parametrize("name", names_in_templates())
@pytest.mark.parametrize("pk", [1, 9_876_543_210])
def test_object_pages_have_the_paths_reverse_gives(name, pk):
    from django.urls import reverse

    assert render("{{ pk|path:name }}", pk=pk, name=name) == reverse(name, args=[pk])


def test_a_page_without_an_id_is_refused():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        render("{{ 1|path:'home' }}")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("late", '<span class="text-danger fw-semibold" data-testid="due-late">09/03/2026 (quá hạn)</span>'),
        (
            "due_soon",
            '<span class="text-warning-emphasis fw-semibold" data-testid="due-due_soon">09/03/2026 (sắp đến hạn)</span>',
        ),
        ("ok", '<span class="">09/03/2026</span>'),
    ],
)
def test_a_deadline_is_marked_by_its_state(state, expected):
    assert render("{% due v state %}", v=dt.date(2026, 3, 9), state=state) == expected


def test_no_deadline_is_a_dash():
    assert render("{% due v 'late' %}", v=None) == "—"


def test_urgency_badges():
    class Doc:
        def __init__(self, urgency, label):
            self.urgency, self.label = urgency, label

        def get_urgency_display(self):
            return self.label

    assert render("{% urgency_badge d %}", d=Doc(0, "Thường")) == '<span class="badge text-bg-light">Thường</span>'
    assert render("{% urgency_badge d %}", d=Doc(2, "Hỏa tốc <b>")) == (
        '<span class="badge text-bg-danger" data-testid="urgency">Hỏa tốc &lt;b&gt;</span>'
    )


def test_quick_select_writes_what_djangos_select_writes():
    import re

    from django import forms

    from vpdt.core.widgets import QuickSelect

    choices = [
        ("", "— Chọn —"),
        (1, 'Văn phòng <UBND> & "Sở"'),
        ("Phòng ban", [(2, "Phòng Kế hoạch - Tài chính"), (3, "Phòng Tổ chức cán bộ")]),
        (4, "Thanh tra"),
    ]
    attrs = {"class": "form-select form-select-sm", "aria-label": "Người xử lý", "required": True}
    for value in ("", 1, "3", None):
        ours = QuickSelect(attrs=attrs, choices=choices).render("handler", value)
        django = forms.Select(attrs=attrs, choices=choices).render("handler", value)
        assert ours == re.sub(r">\s+<", "><", django.replace("\n", "")), value
    assert 'value="3" selected' in QuickSelect(choices=choices).render("handler", 3)
