from django.core.management.base import BaseCommand, CommandError

from vpdt.backups import services


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn (SHA-256) của một bản sao lưu mà không khôi phục."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp sao lưu .tar")

    def handle(self, *args, **options):
        problems = services.verify_backup(options["path"])
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"Bản sao lưu KHÔNG toàn vẹn: {len(problems)} vấn đề.")
        self.stdout.write(self.style.SUCCESS("Bản sao lưu toàn vẹn."))
