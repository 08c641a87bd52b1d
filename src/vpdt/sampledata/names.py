"""Vietnamese name parts for realistic generated people."""

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trương", "Lương", "Cao", "Tạ", "Hà", "Mai", "Đoàn", "Lâm", "Chu", "Thái"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Đình", "Ngọc", "Quang", "Trọng", "Tiến",
            "Anh", "Hoàng", "Bá", "Duy", "Mạnh"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Mỹ", "Thùy", "Phương", "Bích", "Diệu", "Hải"]
GIVEN_M = ["Minh", "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Sơn", "Hải", "Trung", "Thắng", "Quân", "Khoa", "Phúc",
           "Hiếu", "Đạt", "Tâm", "Thành", "Vinh", "Cường", "Huy", "Bình", "Lộc", "Tùng", "Kiên", "Đông", "Toàn"]
GIVEN_F = ["Hà", "Lan", "Hương", "Mai", "Nhung", "Trang", "Linh", "Thảo", "Hạnh", "Yến", "Ngân", "Hằng", "Dung",
           "Phượng", "Loan", "Vân", "Thủy", "Hoa", "Nga", "Oanh", "Quyên", "Chi", "Huyền", "Ánh"]

TITLES = {
    "leader": ["Giám đốc", "Phó Giám đốc"],
    "unit_leader": ["Trưởng phòng", "Phó Trưởng phòng", "Chánh Văn phòng"],
    "staff": ["Chuyên viên", "Chuyên viên chính", "Cán sự"],
    "clerk": ["Văn thư"],
    "admin": ["Quản trị hệ thống"],
    "it_officer": ["Cán bộ chuyên trách CNTT"],
}
