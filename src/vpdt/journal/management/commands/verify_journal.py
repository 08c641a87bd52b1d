from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.journal import services


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký: phát hiện mục bị sửa hoặc bị xóa."

    def handle(self, *args, **options):
        total = services.count()
        with tqdm(total=total, desc="Kiểm tra nhật ký", unit="mục", disable=options["verbosity"] < 1) as bar:
            result = services.verify(progress=bar.update)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(result.problems)} vấn đề trên {result.checked} mục.")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {result.checked} mục."))
