"""``vpdt reindex-search``: reconcile the search index with the documents and dossiers."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from vpdt.search import services
from vpdt.search.models import Kind


class Command(BaseCommand):
    help = "Cập nhật chỉ mục tìm kiếm: bổ sung mục còn thiếu (mặc định) hoặc xây dựng lại toàn bộ (--full)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            choices=Kind.values,
            help="Chỉ xử lý loại này (incoming, outgoing, dossier); có thể lặp lại.",
        )
        parser.add_argument("--full", action="store_true", help="Xây dựng lại mọi mục, không chỉ mục còn thiếu.")

    def handle(self, *args, **options):
        quiet = options["verbosity"] == 0

        def progress(items):
            return tqdm(items, desc="Lập chỉ mục", unit="mục", disable=quiet, file=self.stderr._out)

        count = services.reindex(options["kind"], full=options["full"], progress=progress)
        self.stdout.write(f"Đã cập nhật chỉ mục tìm kiếm: {count} mục.")
