from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.storage import services
from vpdt.storage.models import StoredFile

BATCH = 500


class Command(BaseCommand):
    help = (
        "Kiểm tra toàn vẹn (SHA-256) của mọi tệp đã lưu, và đối chiếu SHA-256 của từng tệp với mã đã ghi "
        "trong nhật ký lúc lưu tệp."
    )

    def handle(self, *args, **options):
        bad = []
        qs = StoredFile.objects.order_by("id")
        files = qs.iterator(chunk_size=BATCH)
        with tqdm(total=qs.count(), desc="Kiểm tra tệp", unit="tệp", disable=options["verbosity"] < 1) as bar:
            while batch := list(islice(files, BATCH)):
                journaled = services.journaled([f.pk for f in batch])
                for stored in batch:
                    journal = journaled.get(stored.pk, (None, "Không có mục nhật ký ghi lúc lưu tệp (storage.store)."))
                    result = services.verify(stored, journal=journal)
                    if not result.ok:
                        bad.append(f"{stored.pk} {stored.original_name}: {result.message}")
                bar.update(len(batch))
        for line in bad:
            self.stderr.write(line)
        if bad:
            raise CommandError(f"{len(bad)} tệp không toàn vẹn.")
        self.stdout.write(self.style.SUCCESS("Mọi tệp đều toàn vẹn và khớp với nhật ký."))
