import sys
import time

from django.core.management.base import BaseCommand, CommandError

from phoihop.core import numbers
from phoihop.demo.services import (
    DemoRefused,
    load_demo,
    load_demo_portal,
    refuse_in_production,
    sign_in_lines,
)
from phoihop.workbook.progress import ProgressBar


class Command(BaseCommand):
    help = "Load the demo province (Lào Cai 2017–2025) through the workbook import, and the portal's demo news; idempotent."

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            refuse_in_production()
        except DemoRefused as refused:
            raise CommandError(str(refused)) from refused
        result = load_demo(progress=ProgressBar(sys.stderr))
        if not result.ok:
            for error in result.errors:
                self.stderr.write("Lỗi: " + error.render())
            sys.exit(1)
        changed = sum(c["created"] + c["updated"] for c in result.summary.values())
        news = load_demo_portal()
        self.stdout.write(
            f"Dữ liệu mẫu tỉnh Lào Cai: {changed} dòng được ghi, {news} tin bài mới "
            f"({numbers.number(time.monotonic() - started, decimals=1)} giây)."
        )
        for line in sign_in_lines():
            self.stdout.write(line)
