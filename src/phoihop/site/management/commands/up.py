from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from phoihop.demo.services import demo_loaded, sign_in_lines
from phoihop.orgs.models import Unit


class Command(BaseCommand):
    help = "Bring the database up to date, load the demo province if the database is empty, and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=None, help="server processes (default: one per CPU)"
        )
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo province")

    def handle(self, *args, host, port, workers, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            no_demo = True  # the demo never reaches production: no demo data, no demo sign-ins
            self.stdout.write("Cấu hình vận hành thật (PHOIHOP_PRODUCTION=1): không nạp dữ liệu mẫu.")
        loaded_now = not no_demo and "demo" in get_commands() and not Unit.objects.exists()
        if loaded_now:
            self.stdout.write("Đang nạp dữ liệu mẫu tỉnh Lào Cai…")
            call_command("demo")  # prints the sign-ins itself
        elif not settings.PRODUCTION and "demo" in get_commands():
            if demo_loaded():
                for line in sign_in_lines():
                    self.stdout.write(line)
        self.stdout.write(
            f"Hệ thống sẵn sàng: http://{host}:{port}/  (trang làm việc: http://{host}:{port}/lam-viec/)"
        )
        call_command("serve", host=host, port=port, **({"workers": workers} if workers else {}))
