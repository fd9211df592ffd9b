"""The `phoihop` console command: Django's management commands under one name.

    phoihop migrate | serve | user add/token | import | export | report | demo | up | <any manage.py command>

On the embedded SQLite database every command first brings the schema up to date, so a newcomer
never has to run `migrate` by hand.
"""

import os
import sys

from phoihop.core import runtime  # plain Python: safe before Django is set up

# Commands that must not trigger the automatic migration (they manage the schema or need no database).
NO_AUTO_MIGRATE = {
    "migrate",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "squashmigrations",
    "help",
    "version",
    "--help",
    "-h",
    "--version",
    "check",
    "compilemessages",
    "makemessages",
    "shell",
}


def pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_schema() -> None:
    """Apply pending migrations on the embedded database, quietly."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.EMBEDDED_DATABASE and pending_migrations():
        call_command("migrate", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "phoihop"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    command = argv[1] if len(argv) > 1 else "help"
    if command not in runtime.WEB_COMMANDS:
        runtime.mark_batch()  # a command-line run or the worker: the import may pause the cycle collector
    if command not in NO_AUTO_MIGRATE:
        ensure_schema()
    from django.db import DatabaseError

    try:
        execute_from_command_line(argv)
    except DatabaseError:
        # A database chosen by DATABASE_URL is not migrated for the user: say so instead of a traceback.
        if command not in NO_AUTO_MIGRATE and pending_migrations():
            sys.stderr.write("Lỗi: cơ sở dữ liệu chưa có đủ bảng; hãy chạy `phoihop migrate` trước.\n")
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
