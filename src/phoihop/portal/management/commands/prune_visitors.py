from django.conf import settings
from django.core.management.base import BaseCommand

from phoihop.portal import counting


class Command(BaseCommand):
    help = (
        "Delete portal visitor rows (hashed browser ids) not seen for N days, their visit days, and view "
        "marks past the 30-minute window; the all-time visitor total keeps the deleted browsers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="days to keep (default: PHOIHOP_VISITOR_RETENTION_DAYS, 365)",
        )

    def handle(self, *args, days=None, **options):
        if days is None:
            days = int(getattr(settings, "PORTAL_VISITOR_RETENTION_DAYS", 365))
        if days < 1:
            self.stderr.write("Lỗi: --days phải từ 1 trở lên.")
            raise SystemExit(2)
        counting.flush()
        browsers, visit_days = counting.prune_visitors(days=days)
        self.stdout.write(
            f"Đã xóa {browsers} khách truy cập không quay lại sau {days} ngày và {visit_days} ngày truy cập cũ."
        )
