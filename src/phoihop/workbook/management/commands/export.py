from django.core.management.base import BaseCommand, CommandError

from phoihop.accounts.scope import scope_of_unit
from phoihop.orgs.models import Unit
from phoihop.workbook.services import export_workbook


class Command(BaseCommand):
    help = "Export the standard workbook (.xlsx, or a folder of .csv), or the blank template (--template)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .xlsx file, or a folder for .csv files")
        parser.add_argument("--scope", help="only this unit's subtree")
        parser.add_argument(
            "--template", action="store_true", help="the blank template with notes and drop-downs"
        )

    def handle(self, *args, path, scope, template, **options):
        unit_scope = None
        if scope:
            try:
                unit_scope = scope_of_unit(Unit.objects.get(code=scope))
            except Unit.DoesNotExist as missing:
                raise CommandError(f"Không có đơn vị mã '{scope}'.") from missing
        if template and not path.lower().endswith(".xlsx"):
            raise CommandError("Mẫu trống cần đường dẫn .xlsx")
        export_workbook(path, scope=unit_scope, template=template)
        self.stdout.write(f"Đã ghi {path}")
