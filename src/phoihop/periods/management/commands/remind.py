from django.core.management.base import BaseCommand

from phoihop.periods.remind import remind


class Command(BaseCommand):
    requires_system_checks = []
    help = (
        "Nhắc báo cáo định kỳ: sắp đến hạn (7 ngày), quá hạn, bị trả lại, chờ duyệt — thông báo trên trang "
        "quản trị và thư điện tử. Chạy mỗi ngày (cron); mỗi nhắc nhở chỉ gửi một lần cho mỗi lần đổi trạng thái."
    )

    def handle(self, *args, **options):
        sent = remind()
        for line in sent.lines:
            self.stdout.write(line)
        self.stdout.write(f"Đã gửi {sent.notifications} thông báo, {sent.emails} thư.")
