from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from vpdt.journal import keys


class Command(BaseCommand):
    help = (
        "Cho biết khóa nhật ký lấy từ đâu, mã khóa và khóa công khai (để kiểm tra điểm kiểm tra ngoại tuyến); "
        "--rotate tạo khóa mới trong tệp khóa, giữ các khóa cũ để kiểm tra nhật ký đã niêm phong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="Tạo khóa mới làm khóa hiện hành (tệp khóa).")

    def handle(self, *args, **options):
        try:
            if options["rotate"]:
                key = keys.rotate()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Đã tạo khóa mới {key.kid}. Hãy sao lưu lại tệp khóa và khởi "
                        f"động lại vpdt (web và tiến trình nền)."
                    )
                )
            ring = keys.keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Nguồn khóa nhật ký: {keys.source()}.")
        for number, key in enumerate(ring):
            role = "hiện hành" if number == 0 else "cũ, chỉ để kiểm tra"
            self.stdout.write(f"Khóa {key.kid} ({role}) — khóa công khai: {key.public_hex}")
