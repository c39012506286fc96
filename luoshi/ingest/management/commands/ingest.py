"""`luoshi ingest clean FILE` and `luoshi ingest extract FILE`: the text core on the command line.

Other tools rely on this interface: the JSON shapes are fixed by the issue that introduced them, and a
file that cannot be read (missing, binary, damaged, a scan, a .doc) gets one line on stderr, in the
interface language, and exit status 2. A PDF with some scanned pages is read from its text pages, and a
line on stderr names the pages that were not read.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.core.attachments import zip_limits
from luoshi.ingest.refusals import document_refusal, unread_pages_warning
from luoshi.text.clean import clean
from luoshi.text.extract import extract
from luoshi.text.files import DocumentError, read_file

ITEM_KEYS = ("kind", "text", "start", "end", "value", "unit", "qualifier", "deadline", "units")


class Command(BaseCommand):
    help = "Repair a document's text (clean) or draft its commitments (extract)."
    # A text tool that other tools call once a file: the system checks (every URL pattern imported and
    # walked) were a third of its start, and `luoshi check` and every server start run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["clean", "extract"])
        parser.add_argument("file")
        parser.add_argument("--simplified", action="store_true", help="convert to Simplified Chinese")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print JSON")
        parser.add_argument("--units", action="store_true", help="match the database's unit names (extract)")

    def handle(
        self, *args: Any, action: str, file: str, simplified: bool, as_json: bool, units: bool, **o: Any
    ) -> None:
        try:
            reading = read_file(file, archive_limits=zip_limits())
        except DocumentError as exc:
            raise CommandError(document_refusal(exc), returncode=2) from None
        if warning := unread_pages_warning(list(reading.pages_without_text)):
            self.stderr.write(warning)  # what was read is still cleaned and printed: the scan is the reader's
        cleaned = clean(reading.text, simplified=simplified)
        if action == "clean":
            if as_json:
                self._print(
                    {"text": cleaned.text, "boilerplate": cleaned.boilerplate, "repairs": cleaned.repairs}
                )
            else:
                self.stdout.write(cleaned.text, ending="" if cleaned.text.endswith("\n") else "\n")
            return
        names = self._unit_names() if units else []
        items = [{k: asdict(item)[k] for k in ITEM_KEYS} for item in extract(cleaned.text, unit_names=names)]
        if as_json:
            self._print({"text": cleaned.text, "items": items})
        else:
            for item in items:
                extra = " ".join(
                    f"{k}={item[k]}" for k in ("value", "unit", "qualifier", "deadline") if item[k]
                )
                self.stdout.write(f"{item['kind']:<10} {item['start']:>6}  {item['text']}  {extra}".rstrip())

    def _print(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    @staticmethod
    def _unit_names() -> list[str]:
        from luoshi.orgs.models import Unit

        return list(Unit.objects.filter(is_active=True).values_list("name", flat=True))
