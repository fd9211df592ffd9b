import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve phoihop with gunicorn (production WSGI server) and WhiteNoise static files."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, multiprocessing.cpu_count()))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, host, port, workers, threads, **options):
        from django.apps import apps
        from gunicorn.app.base import BaseApplication

        if apps.is_installed("phoihop.workbook"):
            from phoihop.workbook.tasks import fail_interrupted

            fail_interrupted()
        # Collect first: WhiteNoise indexes the static folder when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)

        from phoihop.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", None)
                self.cfg.set("graceful_timeout", 20)

            def load(self):
                return application

        self.stdout.write(f"phoihop: http://{host}:{port}/")
        Server().run()
