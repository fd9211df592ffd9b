import argparse
import multiprocessing
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application

from phoihop.site.warmup import warm_up


class Command(BaseCommand):
    help = "Serve phoihop with gunicorn (production WSGI server) and WhiteNoise static files."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, multiprocessing.cpu_count()))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--worker",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="also run one `phoihop worker` for background jobs (default: on the embedded database only; "
            "several servers run their workers apart, see docs/deploy.md)",
        )

    def handle(self, *args, host, port, workers, threads, worker, **options):
        from gunicorn.app.base import BaseApplication

        # Jobs cut off by an earlier stop are not failed here: they belong to the queue, and a job whose
        # worker died is put back by the workers themselves (phoihop.jobs.worker.recover_orphans) — a
        # server starting never touches another server's running job.
        with_worker = settings.EMBEDDED_DATABASE if worker is None else worker
        job_runner: list[subprocess.Popen] = []
        # Collect first: WhiteNoise indexes the static folder when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)

        application = get_wsgi_application()  # what phoihop.wsgi builds, after the static files are in place
        warm_up()  # in the master, before the fork: every worker starts with the pages' code loaded

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", None)
                self.cfg.set("graceful_timeout", 20)
                if with_worker:
                    self.cfg.set("when_ready", start_worker)
                    self.cfg.set("on_exit", stop_worker)

            def load(self):
                return application

        def start_worker(server):
            # A process of its own (not a thread of a web worker): it may pause the cycle collector and
            # owns its signal handlers; the web processes keep the server's.
            code = "from phoihop.cli import main; main()"
            job_runner.append(subprocess.Popen([sys.executable, "-c", code, "worker"]))  # noqa: S603

        def stop_worker(server):
            for process in job_runner:
                process.terminate()  # the worker finishes its current job first (graceful_timeout)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()

        self.stdout.write(f"phoihop: http://{host}:{port}/")
        Server().run()
