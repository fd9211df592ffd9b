from django.core.management.base import BaseCommand, CommandError

from phoihop.privacy.retention import anonymise_people, default_years


class Command(BaseCommand):
    help = (
        "Anonymise people whose union membership ended more than N years ago (PHOIHOP_ANONYMISE_YEARS, "
        "default 10): name, birth date and CCCD are cleared, every report figure stays the same."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=None, help="years after the membership ended")

    def handle(self, *args, years, **options):
        years = default_years() if years is None else years
        try:
            codes = anonymise_people(years=years)
        except ValueError as bad:
            raise CommandError(str(bad)) from bad
        self.stdout.write(f"Đã ẩn danh {len(codes)} người rời công đoàn hơn {years} năm trước.")
