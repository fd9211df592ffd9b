import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from phoihop.accounts import services
from phoihop.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Manage staff accounts: `user add USERNAME --unit CODE --role ROLE --password-stdin`, `user token USERNAME [--days N]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create or update a user")
        add.add_argument("username")
        add.add_argument("--unit", required=True, help="unit code the role is held on")
        add.add_argument("--role", required=True, choices=[r.value for r in User.Role])
        add.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        token = sub.add_parser("token", help="issue a new API token; printed on the last line")
        token.add_argument("username")
        token.add_argument(
            "--days", type=int, default=None, help="days the token is valid (default: PHOIHOP_TOKEN_DAYS, 90)"
        )

    def handle(self, *args, action, **options):
        if action == "add":
            password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
            try:
                user = services.save_user(
                    username=options["username"],
                    unit_code=options["unit"],
                    role=options["role"],
                    password=password,
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self.stdout.write(f"Đã lưu tài khoản {user.username} ({user.role} @ {user.unit.code})")
        else:
            try:
                user = User.objects.get(username=options["username"])
            except User.DoesNotExist as missing:
                raise CommandError(f"Không có tài khoản '{options['username']}'") from missing
            try:
                key = services.issue_token(
                    actor=None, user=user, days=options["days"], name="phoihop user token"
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            expires = ApiToken.objects.get(key_hash=ApiToken.hash(key)).expires_at
            self.stdout.write(f"Hết hạn: {timezone.localtime(expires):%Y-%m-%d %H:%M}")
            self.stdout.write(key)
