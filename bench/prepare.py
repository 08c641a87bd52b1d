"""The benchmark database, made once and reused: the generated province (250 agencies, 10,000 people), then
incoming and outgoing documents up to the sizes asked for (1,000,000 each by default), their search entries, and
the planner's statistics. A second run finds everything there and only tops up what is missing.

Documents are generated without their journal trail (``--no-trail``): the benchmarks read lists and search, not the
trail, and the trail would double the rows written."""

import argparse
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

import fast_index
from django.core.management import call_command
from django.db import connection

from vpdt.directory.models import Agency
from vpdt.incoming.models import IncomingDocument
from vpdt.outgoing.models import OutgoingDocument
from vpdt.sampledata import generator
from vpdt.search import services as search

TABLES = [
    "incoming_incomingdocument",
    "incoming_assignment",
    "outgoing_outgoingdocument",
    "outgoing_reviewstep",
    "outgoing_recipient",
    "search_searchentry",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incoming", type=int, default=1_000_000)
    parser.add_argument("--outgoing", type=int, default=1_000_000)
    args, _unknown = parser.parse_known_args()
    start = time.perf_counter()
    if not Agency.objects.filter(code=generator.ROOT_CODE).exists():
        call_command("generate_data", agencies=250, users=10000)
    have = IncomingDocument.objects.count()
    if have < args.incoming:
        call_command("generate_data", incoming=args.incoming - have, no_trail=True)
    have = OutgoingDocument.objects.count()
    if have < args.outgoing:
        call_command("generate_data", outgoing=args.outgoing - have, no_trail=True)
    written = fast_index.fill()
    added = search.reindex()
    if written or added:
        print(f"Chỉ mục tìm kiếm: {written} mục ghi bằng SQL, {added} mục qua reindex")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in TABLES:  # one statement each: VACUUM cannot run inside a transaction block
                cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute("ANALYZE")  # the others (people, agencies, units…), as autovacuum would have by now
    print(
        f"CSDL đo: {IncomingDocument.objects.count()} văn bản đến, {OutgoingDocument.objects.count()} văn bản đi "
        f"(chuẩn bị {time.perf_counter() - start:.0f} s)"
    )


if __name__ == "__main__":
    main()
