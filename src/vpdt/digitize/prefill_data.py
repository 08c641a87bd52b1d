"""Word lists for the OCR prefill (ND30 document types, usual positions, the national motto)."""

# (name, abbreviation) per Nghị định 30/2020/NĐ-CP, used when the caller gives no catalog.
DOC_TYPES = [
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Thư công", ""),
]

POSITIONS = [
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "VỤ TRƯỞNG",
    "PHÓ VỤ TRƯỞNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH THANH TRA",
    "PHÓ CHÁNH THANH TRA",
    "TỔNG CỤC TRƯỞNG",
    "HIỆU TRƯỞNG",
    "VIỆN TRƯỞNG",
    "THỦ TRƯỞNG",
    "KT. CHỦ TỊCH",
    "TRƯỞNG PHÒNG HÀNH CHÍNH - TỔNG HỢP",
]

AUTHORITIES = ("TUQ", "TM", "KT", "TL", "Q")
AUTHORITIES_FOLDED = frozenset(a.lower() for a in AUTHORITIES)

# Other words of a signature block ("TM. ỦY BAN NHÂN DÂN", "KT. BỘ TRƯỞNG"), to tell it from the recipients.
SIGNATURE_WORDS = [
    "ỦY BAN NHÂN DÂN",
    "UBND",
    "HỘI ĐỒNG NHÂN DÂN",
    "HĐND",
    "BAN THƯỜNG VỤ",
    "THƯỜNG TRỰC",
    "TỔNG GIÁM ĐỐC",
    "HỘI ĐỒNG",
    "THANH TRA",
    "KHOA",
    "TRƯỞNG",
]

# Folded (no diacritics, lower case) regexes of the motto lines that share the header with the issuer.
MOTTO = [
    r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam",
    r"doc\s*lap\s*[-–—]?\s*tu\s*do\s*[-–—]?\s*hanh\s*phuc",
]

# Abbreviations printed in agency headers, expanded before fuzzy matching against the directory.
EXPAND = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho", "tp.": "thanh pho"}

PROVINCES = [
    "Hà Nội",
    "Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Tĩnh",
    "Hải Dương",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
    "Vinh",
    "Quy Nhơn",
    "Thành phố Hồ Chí Minh",
]

# Words whose diacritics OCR often loses, restored when the folded form is unambiguous.
WORDS = (
    "Như trên Lưu Điều các Các tỉnh huyện thị xã phường ngành Sở sở ban Ban Chủ tịch Phó Giám đốc Văn phòng "
    "Thường trực Tỉnh ủy Hội đồng nhân dân Ủy Ủy ban Bộ Nội vụ Tài chính Kế hoạch Đầu tư Xây dựng Thông tin "
    "Truyền thông Lãnh đạo đơn vị trực thuộc báo cáo về việc Về ban hành thành lập phê duyệt tổ chức năm "
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Thị Văn Đức Quốc Hữu Công "
    "cấp số liệu vụ toàn chuyển đổi hành chính cách quả tác thực hiện quý dịch trực tuyến cải kết triển khai "
    "quản lý dự thảo góp ý đăng ký tham dự tập huấn chữ tình hình giải ngân vốn công tác hội nghị tổng "
    "Thành Hải Tuấn Hằng Hương Thủy Ngọc Bích Tùng Dũng Sỹ Hà Hạnh Thu Ánh Mỹ Nhung Phương Trường"
).split()

# Valid words without diacritics: never "restored" (ban ≠ bản, Thanh ≠ Thành).
PLAIN = set(
    "an ban can cu chi tin thanh minh vinh lan mai linh anh nam sinh hung kinh gui theo tai khi cho "
    "la va voi cua phan uy quy quan co tu do ma ca ba hai cao tham trong giao to tong nam phong con sau "
    "chi trang nghi thu tra giai".split()
)

# Vietnamese family names (họ), as printed: the first word of a signer's name.
FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lương Mai Đoàn Lâm Hà "
    "Tạ Cao Chu Kiều Lưu Tô Trịnh Quách Văn Thái Triệu Châu Tăng Phùng Đào Đàm Khúc Lại Lục Mạc Nghiêm Ninh "
    "Nông Quan Tôn Thân Thạch Tiêu Từ Vương Vi Viên Ông Âu Doãn Giang Hứa Kim Khổng Khương La Lã Mẫn Nhữ "
    "Phí Phó Phương Sầm Sơn Tào Tống Trang Trình Ung Yên Bạch Biện Cù Cung Đồng Hàn Hầu Hoa Kha Lò Lộc Lữ "
    "Lường Mông Quàng Tòng"
).split()
