from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vpdt.storage import services
from vpdt.storage.models import StoredFile


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn (SHA-256) của mọi tệp đã lưu."

    def handle(self, *args, **options):
        bad = []
        qs = StoredFile.objects.order_by("id")
        for stored in tqdm(qs.iterator(), total=qs.count(), desc="Kiểm tra tệp", unit="tệp",
                           disable=options["verbosity"] < 1):
            result = services.verify(stored)
            if not result.ok:
                bad.append(f"{stored.pk} {stored.original_name}: {result.message}")
        for line in bad:
            self.stderr.write(line)
        if bad:
            raise CommandError(f"{len(bad)} tệp không toàn vẹn.")
        self.stdout.write(self.style.SUCCESS("Mọi tệp đều toàn vẹn."))
