"""The word-level difference of draft versions (vpdt.outgoing.diffing) on its own: who changed which words, texts
that read whole, and long drafts compared fast."""

import time
from types import SimpleNamespace

from vpdt.outgoing.diffing import attributed, tokens


def version(number, text, name="Hoàng Thị Lan"):
    return SimpleNamespace(number=number, text=text, author=SimpleNamespace(full_name=name))


def told(pieces) -> str:
    marks = {"added": "+", "removed": "-"}
    return "".join(p.text if p.kind == "same" else f"[{marks[p.kind]}{p.version.number}:{p.text}]" for p in pieces)


def test_each_change_keeps_the_version_that_made_it():
    versions = [
        version(1, "Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau:\n1. Tình hình chung."),
        version(2, "Kính gửi: Ủy ban nhân dân tỉnh Nghệ An\nSở Xây dựng kính báo cáo:\n1. Tình hình chung.", "Dũng"),
        version(
            3,
            "Kính gửi: Ủy ban nhân dân tỉnh Nghệ An\nSở Xây dựng trân trọng kính báo cáo:\n1. Tình hình chung."
            "\n2. Kiến nghị.",
            "Hà",
        ),
    ]
    pieces = attributed(versions, {2: "unit", 3: "agency"})
    assert told(pieces) == (
        "Kính gửi: Ủy ban nhân dân tỉnh[+2: Nghệ An]\nSở Xây dựng [+3:trân trọng][+2: kính ]báo cáo[-2: như sau]:"
        "\n1. Tình hình chung.[+3:\n2. Kiến nghị.]"
    )
    assert {p.level for p in pieces if p.version and p.version.number == 2} == {"unit"}
    assert [p.title for p in pieces if p.kind == "removed"] == ["Xóa bởi Dũng (phiên bản 2)"]


def test_a_phrase_rewritten_reads_as_a_phrase_and_words_added_then_removed_are_left_out():
    pieces = attributed([version(1, "x y z w"), version(2, "p q r w"), version(3, "p q r w")], {2: "unit"})
    assert told(pieces) == "[-2:x y z][+2:p q r] w"
    pieces = attributed([version(1, "một hai"), version(2, "một ba hai"), version(3, "một hai bốn")])
    assert told(pieces) == "một hai[+3: bốn]"


def test_a_long_draft_is_compared_fast_and_only_the_changed_word_is_marked():
    lines = [f"Điều {n}. Sở Xây dựng báo cáo tình hình thực hiện nhiệm vụ số {n} năm 2026." for n in range(3000)]
    older = "\n".join(lines)
    newer = older.replace("nhiệm vụ số 1500 năm", "nhiệm vụ trọng tâm số 1500 năm")
    assert len(tokens(older)) > 80_000
    started = time.perf_counter()
    pieces = attributed([version(1, older), version(2, newer)])
    assert time.perf_counter() - started < 5
    assert [p.text for p in pieces if p.kind != "same"] == [" trọng tâm"] or [
        p.text for p in pieces if p.kind != "same"
    ] == ["trọng tâm "]
    assert "".join(p.text for p in pieces if p.kind != "removed") == newer
