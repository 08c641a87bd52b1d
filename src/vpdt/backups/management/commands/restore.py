from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.backups import services

CONFIRM = "Khôi phục sẽ ghi đè dữ liệu hiện tại. Gõ 'co' để tiếp tục: "


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và tệp từ một bản sao lưu. Hãy dừng máy chủ web và tiến trình nền trước khi khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp sao lưu .tar")
        parser.add_argument("--yes", action="store_true", help="Không hỏi xác nhận.")

    def handle(self, *args, **options):
        if not options["yes"] and input(CONFIRM).strip().lower() not in ("co", "có"):
            raise CommandError("Đã hủy khôi phục.")
        with tqdm(desc="Khôi phục tệp", unit="tệp", disable=options["verbosity"] < 1) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            try:
                result = services.restore_backup(options["path"], progress=progress)
            except services.BackupError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"Tệp đã khôi phục: {result.files_restored}")
        self.stdout.write(f"Tệp đã kiểm tra SHA-256: {result.stored_files_checked}")
        self.stdout.write(f"Mục nhật ký đã kiểm tra: {result.journal_checked}")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Đã khôi phục nhưng phát hiện {len(result.problems)} vấn đề toàn vẹn.")
        self.stdout.write(self.style.SUCCESS("Khôi phục hoàn tất, dữ liệu toàn vẹn."))
