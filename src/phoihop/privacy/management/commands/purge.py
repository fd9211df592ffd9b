from django.core.management.base import BaseCommand, CommandError

from phoihop.privacy.retention import default_days, purge_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded workbooks and error workbooks of imports finished more than N days ago "
        "(PHOIHOP_UPLOAD_RETENTION_DAYS, default 30)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="days an import's files are kept")

    def handle(self, *args, days, **options):
        days = default_days() if days is None else days
        try:
            result = purge_uploads(days=days)
        except ValueError as bad:
            raise CommandError(str(bad)) from bad
        self.stdout.write(
            f"Đã xóa {result.files} tệp của {result.jobs} lần nhập và {result.folders} thư mục tải lên "
            f"cũ hơn {days} ngày."
        )
