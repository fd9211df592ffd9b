from django.core.management.base import BaseCommand

from phoihop.core import runtime
from phoihop.jobs.worker import run_worker


class Command(BaseCommand):
    help = "Chạy các công việc nền (nhập sổ dữ liệu, tài liệu báo cáo, nhắc việc) từ hàng đợi."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, batch, interval, max_tasks, **options):
        runtime.mark_batch()  # its own process: it may pause the cycle collector, and owns its signals
        worker_id = run_worker(
            batch=batch, interval=interval, max_tasks=max_tasks, signals=True, freeze_gc=True
        )
        self.stdout.write(f"phoihop worker {worker_id}: stopped")
