import sys
import time

from django.core.management.base import BaseCommand

from phoihop.demo.services import DEMO_PASSWORD, DEMO_USERS, load_demo
from phoihop.workbook.progress import ProgressBar


class Command(BaseCommand):
    help = "Load the demo province (Lào Cai 2017–2025) through the workbook import; idempotent."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = load_demo(progress=ProgressBar(sys.stderr))
        if not result.ok:
            for error in result.errors:
                self.stderr.write("Lỗi: " + error.render())
            sys.exit(1)
        changed = sum(c["created"] + c["updated"] for c in result.summary.values())
        self.stdout.write(
            f"Dữ liệu mẫu tỉnh Lào Cai: {changed} dòng được ghi ({time.monotonic() - started:.1f} giây)."
        )
        self.stdout.write("Tài khoản dùng thử (chỉ cho bản trình diễn):")
        for username, role, unit, label in DEMO_USERS:
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD}   {role:<12} {unit:<15} {label}")
