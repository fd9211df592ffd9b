import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from phoihop.reports.assemble import ReportError, build_report
from phoihop.reports.render import render

FORMATS = ("json", "html", "docx", "xlsx", "pdf")


class Command(BaseCommand):
    requires_system_checks = []  # a data command: checking the whole project first costs a quarter second
    help = "The review report of a program: JSON or a document (html, docx, xlsx, pdf)."

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="program code, e.g. CTPH-2017-2020")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (default: the program's start)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (default: the program's end)")
        parser.add_argument(
            "--scope", help="a unit code: report on its subtree instead of the program's roots"
        )
        parser.add_argument(
            "--approved-only",
            action="store_true",
            help="figures of approved period reports only (default: all records, unapproved units marked)",
        )
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--output", help="file to write (default: standard output for json)")

    def handle(self, *args, program, date_from, date_to, scope, format, output, **options):
        try:
            report = build_report(
                program_code=program,
                date_from=date_from,
                date_to=date_to,
                scope_code=scope,
                approved_only=options.get("approved_only", False),
            )
        except ReportError as error:
            self.stderr.write(f"Lỗi: {error.message}")
            sys.exit(2 if error.kind == "usage" else 1)
        if format == "json":
            text = json.dumps(report, ensure_ascii=False, indent=2)
            if not output:
                self.stdout.write(text)
                return
            data = text.encode()
        else:
            data = render(report, format)
        if output:
            Path(output).write_bytes(data)
        elif not sys.stdout.isatty():
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            self.stderr.write("Lỗi: tài liệu nhị phân cần --output FILE.")
            sys.exit(2)
