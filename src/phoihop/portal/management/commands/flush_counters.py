from django.core.management.base import BaseCommand

from phoihop.portal import counting


class Command(BaseCommand):
    help = "Write the portal's pending page-view and visitor counters to the database now."

    def handle(self, *args, **options):
        written = counting.flush()
        self.stdout.write(f"Đã ghi {written} lượt xem vào cơ sở dữ liệu.")
