import pytest

from phoihop.portal import cache, counting

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@pytest.fixture(autouse=True)
def _portal_isolation(settings, tmp_path):
    """Each test: its own media folder, in-process counters without the background writer, no cached pages."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_FLUSH_THREAD = False
    settings.PORTAL_REDIS_URL = ""
    settings.REDIS_URL = ""
    settings.PORTAL_SITE_NAME = "Liên đoàn Lao động tỉnh Lào Cai"
    counting.reset_counters()
    cache.invalidate()
    yield
    counters = counting._counters
    if counters is not None:
        counters._stopping = True
    counting.reset_counters()
    cache.invalidate()


@pytest.fixture
def browser_client(client):
    client.defaults["HTTP_USER_AGENT"] = BROWSER
    return client


@pytest.fixture
def concurrent_sqlite():
    """The test database is SQLite in memory with a shared cache, where a reader meeting a writer fails at
    once ("table is locked") instead of reading the last commit as it does on the WAL file in production.
    Letting readers skip table locks gives the production behaviour for tests that read while writing."""
    from django.db import connection, connections
    from django.db.backends.signals import connection_created

    def relax(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(relax)
    if connection.vendor == "sqlite":
        for conn in connections.all():
            if conn.connection is not None:
                conn.cursor().execute("PRAGMA read_uncommitted = 1")
    yield
    connection_created.disconnect(relax)
