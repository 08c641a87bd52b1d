"""ND30 Phụ lục III: document types and their abbreviations."""

DOCUMENT_TYPES = [
    # name, abbreviation, legal normative possible, copy
    ("Nghị quyết", "NQ", True, False),
    ("Quyết định", "QĐ", True, False),
    ("Chỉ thị", "CT", True, False),
    ("Quy chế", "QC", False, False),
    ("Quy định", "QyĐ", False, False),
    ("Thông cáo", "TC", False, False),
    ("Thông báo", "TB", False, False),
    ("Hướng dẫn", "HD", False, False),
    ("Chương trình", "CTr", False, False),
    ("Kế hoạch", "KH", False, False),
    ("Phương án", "PA", False, False),
    ("Đề án", "ĐA", False, False),
    ("Dự án", "DA", False, False),
    ("Báo cáo", "BC", False, False),
    ("Biên bản", "BB", False, False),
    ("Tờ trình", "TTr", False, False),
    ("Hợp đồng", "HĐ", False, False),
    ("Công điện", "CĐ", False, False),
    ("Bản ghi nhớ", "BGN", False, False),
    ("Bản thỏa thuận", "BTT", False, False),
    ("Giấy ủy quyền", "GUQ", False, False),
    ("Giấy mời", "GM", False, False),
    ("Giấy giới thiệu", "GGT", False, False),
    ("Giấy nghỉ phép", "GNP", False, False),
    ("Phiếu gửi", "PG", False, False),
    ("Phiếu chuyển", "PC", False, False),
    ("Phiếu báo", "PB", False, False),
    ("Bản sao y", "SY", False, True),
    ("Bản trích sao", "TrS", False, True),
    ("Bản sao lục", "SL", False, True),
    ("Công văn", "", False, False),
]


def seed_document_types(DocumentType) -> None:
    """Create the Phụ lục III types that are missing (used by the data migration and by test set-up)."""
    for order, (name, abbr, qppl, copy) in enumerate(DOCUMENT_TYPES, start=1):
        DocumentType.objects.get_or_create(
            name=name, defaults={"abbreviation": abbr, "is_legal_normative": qppl, "is_copy": copy, "order": order}
        )
