import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from phoihop.accounts.models import User
from phoihop.accounts.scope import scope_for
from phoihop.workbook.progress import ProgressBar
from phoihop.workbook.reader import paused_gc
from phoihop.workbook.services import import_workbook
from phoihop.workbook.sheets import BY_KEY


class Command(BaseCommand):
    requires_system_checks = []  # a data command: no need to check the whole project first
    help = "Import a standard workbook (.xlsx, or a folder of .csv). Exit 0 when written, 1 when rejected."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi")
        parser.add_argument(
            "--user", help="import as this user, within their scope (default: system, everything)"
        )

    def handle(self, *args, path, lang, user, **options):
        with translation.override(lang):  # messages, headings and problems through the catalogue
            self._import(path, user)

    def _import(self, path, user):
        scope = actor = None
        if user:
            try:
                actor = User.objects.get(username=user)
            except User.DoesNotExist as missing:
                raise CommandError(_("Không có tài khoản '%(name)s'") % {"name": user}) from missing
            scope = scope_for(actor)
        lang = translation.get_language()
        with paused_gc():  # one pause for the whole run, not one per stage (see reader.paused_gc)
            result = import_workbook(
                path, actor=actor, scope=scope, lang=lang, progress=ProgressBar(sys.stderr)
            )
        for warning in result.warnings:
            self.stderr.write(_("Cảnh báo: %(problem)s") % {"problem": warning.render(lang)})
        if not result.ok:
            for error in result.errors:
                self.stderr.write(_("Lỗi: %(problem)s") % {"problem": error.render(lang)})
            self.stderr.write(_("%(n)s lỗi; không ghi dữ liệu nào.") % {"n": len(result.errors)})
            sys.exit(1)
        head = (
            pgettext("workbook sheet", "Trang"),
            pgettext("import summary", "tạo mới"),
            pgettext("import summary", "cập nhật"),
            pgettext("import summary", "không đổi"),
        )
        self.stdout.write(f"{head[0]:<34}{head[1]:>10}{head[2]:>10}{head[3]:>12}")
        for key, counts in result.summary.items():
            sheet = BY_KEY[key]
            label = _(sheet.label)  # the sheet's label in the summary's language (the catalogue)
            self.stdout.write(
                f"{label[:33]:<34}{counts['created']:>10}{counts['updated']:>10}{counts['unchanged']:>12}"
            )
