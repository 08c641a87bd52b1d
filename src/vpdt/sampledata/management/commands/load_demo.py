from django.core.management.base import BaseCommand, CommandError

from vpdt.sampledata import demo


class Command(BaseCommand):
    help = "Nạp tổ chức mẫu (chỉ lần đầu). Không dùng ở chế độ production."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Bỏ qua nếu đã nạp.")

    def handle(self, *args, **options):
        if demo.is_loaded():
            if options["if_empty"]:
                self.stdout.write("Dữ liệu mẫu đã có sẵn.")
                self._print(demo.demo_accounts())
                return
            raise CommandError("Dữ liệu mẫu đã được nạp trước đó.")
        try:
            rows = demo.load()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Đã nạp tổ chức mẫu: UBND tỉnh Nghệ An và các cơ quan trực thuộc."))
        self._print(rows)

    def _print(self, rows):
        self.stdout.write("Tài khoản mẫu (mật khẩu dùng một lần, phải đổi ở lần đăng nhập đầu):")
        for row in rows:
            self.stdout.write(f"  {row['username']:<14} {row['password']:<22} {row['role']:<30} {row['full_name']}")
