from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.backups import services


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và mọi tệp đã lưu vào một tệp .tar (mặc định trong VPDT_BACKUP_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("--dest", metavar="THƯ_MỤC", help="Thư mục lưu bản sao lưu.")

    def handle(self, *args, **options):
        with tqdm(desc="Sao lưu tệp", unit="tệp", disable=options["verbosity"] < 1) as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            try:
                path = services.create_backup(dest_dir=options["dest"], progress=progress)
            except services.BackupError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã tạo bản sao lưu: {path}"))
