"""Portal article page: phoihop against Wagtail peers with a page-view counter, in one run.

    .venv/bin/python bench/portal_bench.py [--requests 6000] [--clients 16] [--peer-venv DIR]
                                           [--peers hitcount,production] [--redis-url URL]

Both sites serve the same article (same title and body, a "latest news" list of 8 siblings and the
view count) through gunicorn with the same settings (gthread, `phoihop serve`'s default workers and
threads) on SQLite in WAL mode. The peer is a Wagtail site built in a temporary folder with its own
virtualenv (pip install wagtail gunicorn django-hitcount); its counter is django-hitcount (every hit
counted: HITCOUNT_KEEP_HIT_ACTIVE of zero seconds), or an F() update in the page's serve() when
hitcount does not import. The second peer ("production") is Wagtail as its users run it in production:
wagtail-cache's page cache (UpdateCacheMiddleware first, FetchFromCacheMiddleware last) in Redis, and
the view counter an INCR in Redis from a middleware that sees every 200, cached or not (a periodic job
would copy it to the database; the count shown on the cached page is as old as the cached page).
Peer packages are pinned (PEER_PACKAGES).

The load: `--clients` browsers (threads in two processes, keep-alive http.client, each keeps its
cookies), `--requests` page loads in all after a warm-up; then a second phase with a graceful worker
restart (SIGHUP) in the middle; then the server is stopped gracefully (SIGTERM). "Exact" means the
stored count equals the 200 responses the clients received, across the restart and the stop.
Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PHOIHOP = REPO / ".venv" / "bin" / "phoihop"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
TITLE = "Kết quả thực hiện Chương trình phối hợp giai đoạn 2017–2020"
SLUG = "ket-qua-chuong-trinh-phoi-hop"
PARAGRAPH = (
    "Trong kỳ, các cấp công đoàn đã thành lập mới 64 công đoàn cơ sở và kết nạp 6.065 đoàn viên công "
    "đoàn; các chi bộ đã kết nạp 202 đảng viên trong doanh nghiệp ngoài nhà nước, trong đó có 05 đồng "
    "chí là chủ doanh nghiệp. Phong trào thi đua lao động giỏi, lao động sáng tạo có 5.934 sáng kiến."
)
BODY = "".join(
    f"<h2>Phần {i}</h2><p>{PARAGRAPH}</p><p><strong>{PARAGRAPH[:120]}</strong> {PARAGRAPH}</p>"
    for i in range(1, 7)
)
SIBLINGS = [f"Tin hoạt động số {i}: Công đoàn cơ sở ra mắt" for i in range(1, 9)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, path: str, timeout: float = 60.0) -> int:
    """Waits for the first 200 on the article (a page view like any other); returns the 200s seen (1)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            # A long timeout: a request given up on while the workers start would still be served and
            # counted, and the count would no longer match the 200s the clients saw.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"User-Agent": UA})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return 1
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer {path} with 200")


# -- load generator ------------------------------------------------------------------------------------
def _client_loop(port: int, path: str, count: int, out: list, errors: list) -> None:
    """One browser: keep-alive connection, cookies kept, `count` page loads, latencies in seconds."""
    cookies: dict[str, str] = {}
    conn = None
    done = 0
    attempts = 0
    while done < count and attempts < count * 3:
        attempts += 1
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"User-Agent": UA, "Accept": "text/html"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            # A keep-alive connection closed by a restarting worker before it read the request: retry.
            errors.append(1)
            conn.close()
            conn = None
            continue
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status == 200:
            out.append(elapsed)
            done += 1
        else:
            errors.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def _process_main(port, path, per_thread, threads, queue):
    lats: list[float] = []
    errors: list = []
    workers = [
        threading.Thread(target=_client_loop, args=(port, path, per_thread, lats, errors))
        for _ in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((lats, len(errors)))


def load(port: int, path: str, total: int, clients: int, *, during=None) -> dict:
    """`total` page loads by `clients` browsers spread over two processes; `during(t0)` runs meanwhile."""
    procs_n = 2 if clients >= 2 else 1
    per_proc_threads = [clients // procs_n + (1 if i < clients % procs_n else 0) for i in range(procs_n)]
    per_thread = max(1, total // clients)
    queue = multiprocessing.Queue()
    start = time.perf_counter()
    procs = [
        multiprocessing.Process(target=_process_main, args=(port, path, per_thread, n, queue))
        for n in per_proc_threads
    ]
    for p in procs:
        p.start()
    if during:
        during()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(30)
    elapsed = time.perf_counter() - start
    lats = sorted(x for r in results for x in r[0])
    return {
        "ok": len(lats),
        "errors": sum(r[1] for r in results),
        "seconds": elapsed,
        "rps": len(lats) / elapsed,
        "p50_ms": statistics.median(lats) * 1000,
        "p99_ms": lats[min(len(lats) - 1, int(len(lats) * 0.99))] * 1000,
    }


# -- phoihop -------------------------------------------------------------------------------------------
def setup_phoihop(folder: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'phoihop.sqlite3'}",
        "PHOIHOP_DATA_DIR": str(folder / "data"),
        "PHOIHOP_SECRET_KEY": "bench-only-secret-key-bench-only-secret-key",
        # Every 200 is a counted view, as for the peers' counters: the clients reload one article, which
        # phoihop otherwise counts once per browser and half hour (the marks are still written).
        "PHOIHOP_VIEW_WINDOW_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([str(PHOIHOP), "migrate", "-v0"], env=env, check=True)
    script = textwrap.dedent(
        f"""
        from datetime import timedelta
        from django.utils import timezone
        from phoihop.portal import services
        def publish(title, slug, body, hours):
            a = services.create_article(user=None, title=title, slug=slug, body=body, summary=title)
            services.change_status(user=None, article=a, status="review")
            services.change_status(user=None, article=a, status="published", publish_at=timezone.now() - timedelta(hours=hours))
        for i, t in enumerate({SIBLINGS!r}):
            publish(t, "", "<p>" + t + "</p>", i + 2)
        publish({TITLE!r}, {SLUG!r}, {BODY!r}, 1)
        """
    )
    subprocess.run([str(PHOIHOP), "shell", "-c", script], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def count_phoihop(folder: Path) -> int:
    with sqlite3.connect(folder / "phoihop.sqlite3") as db:
        return db.execute("SELECT view_count FROM portal_article WHERE slug = ?", (SLUG,)).fetchone()[0]


# -- the Wagtail peer ------------------------------------------------------------------------------------
# wagtail-cache 3.0.0 supports Wagtail < 8, so both peers run the newest Wagtail 7.
PEER_PACKAGES = [
    "wagtail==7.4.4",
    "gunicorn==27.0.1",
    "django-hitcount==1.3.5",
    "wagtail-cache==3.0.0",
    "redis==8.1.0",
]
PEER_REDIS_PREFIX = "portal-bench-peer:"
PEER_SETTINGS = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-peer-secret-key-bench-peer-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "news",
    "wagtail.contrib.forms", "wagtail.contrib.redirects", "wagtail.embeds", "wagtail.sites", "wagtail.users",
    "wagtail.snippets", "wagtail.documents", "wagtail.images", "wagtail.search", "wagtail.admin", "wagtail",
    "modelcluster", "taggit",
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles",
] + (["hitcount"] if USE_HITCOUNT else [])
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
ROOT_URLCONF = "peer.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
WSGI_APPLICATION = "peer.wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "peer.sqlite3",
             "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}}
LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
WAGTAIL_SITE_NAME = "peer"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
HITCOUNT_KEEP_HIT_ACTIVE = {"seconds": 0}
HITCOUNT_HITS_PER_IP_LIMIT = 0
COUNT_IN_REDIS = False
"""

# The production peer: page cache and counter in Redis (appended to PEER_SETTINGS).
PEER_PRODUCTION = """
COUNT_IN_REDIS = True
INSTALLED_APPS = ["wagtailcache"] + INSTALLED_APPS
MIDDLEWARE = ["wagtailcache.cache.UpdateCacheMiddleware", "peer.counter.CountViews"] + MIDDLEWARE + [
    "wagtailcache.cache.FetchFromCacheMiddleware"
]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": REDIS_PREFIX + "cache", "TIMEOUT": 3600}}
WAGTAIL_CACHE_BACKEND = "default"
"""

PEER_COUNTER = """
import redis
from django.conf import settings

_redis = redis.Redis.from_url(settings.REDIS_URL)


def key(path):
    return settings.REDIS_PREFIX + "views:" + path


def views(path):
    return int(_redis.get(key(path)) or 0)


class CountViews:
    \"\"\"Every page view that got a 200, served from the cache or rendered.\"\"\"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            _redis.incr(key(request.path))
        return response
"""

PEER_MODELS = """
from django.conf import settings
from django.db import models
from django.db.models import F
from wagtail.fields import RichTextField
from wagtail.models import Page


class NewsPage(Page):
    body = RichTextField(blank=True)
    views = models.PositiveBigIntegerField(default=0)

    def serve(self, request, *args, **kwargs):
        if settings.COUNT_IN_REDIS:
            pass  # peer.counter.CountViews counts in Redis, cached pages too
        elif settings.USE_HITCOUNT:
            from hitcount.models import HitCount
            from hitcount.views import HitCountMixin

            hit_count = HitCount.objects.get_for_object(self)
            HitCountMixin.hit_count(request, hit_count)
        else:
            NewsPage.objects.filter(pk=self.pk).update(views=F("views") + 1)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if settings.COUNT_IN_REDIS:
            from peer.counter import views

            context["view_count"] = views(request.path)
        elif settings.USE_HITCOUNT:
            from hitcount.models import HitCount

            context["view_count"] = HitCount.objects.get_for_object(self).hits
        else:
            context["view_count"] = NewsPage.objects.values_list("views", flat=True).get(pk=self.pk)
        context["latest"] = NewsPage.objects.live().exclude(pk=self.pk).order_by("-first_published_at")[:8]
        return context
"""

PEER_TEMPLATE = """{% load wagtailcore_tags %}<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ page.title }}</title>
<meta property="og:title" content="{{ page.title }}"></head><body>
<header><a href="/">Liên đoàn Lao động tỉnh Lào Cai</a></header>
<main><article><h1>{{ page.title }}</h1><p>{{ page.first_published_at|date:"d/m/Y H:i" }} · Lượt xem: {{ view_count }}</p>
{{ page.body|richtext }}</article>
<aside><h2>Thông tin mới nhất</h2><ul>{% for p in latest %}<li><a href="{% pageurl p %}">{{ p.title }}</a></li>{% endfor %}</ul></aside>
</main></body></html>
"""


def peer_python(folder: Path, reuse: str | None) -> Path:
    if reuse:
        return Path(reuse) / "bin" / "python"
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PEER_PACKAGES], check=True)
    return venv / "bin" / "python"


def setup_peer(
    folder: Path, python: Path, *, production: bool = False, redis_url: str = ""
) -> tuple[dict, bool]:
    project = folder / ("peer_production" if production else "peer_site")
    (project / "peer").mkdir(parents=True)
    (project / "news" / "templates" / "news").mkdir(parents=True)
    (project / "news" / "migrations").mkdir()
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('hitcount') is None)"
    uses_hitcount = (
        not production and subprocess.run([str(python), "-c", probe], capture_output=True).returncode == 0
    )
    (project / "peer" / "__init__.py").write_text("")
    settings_file = project / "peer" / "settings.py"
    head = (
        f"USE_HITCOUNT = {uses_hitcount}\nREDIS_URL = {redis_url!r}\nREDIS_PREFIX = {PEER_REDIS_PREFIX!r}\n"
    )
    settings_file.write_text(head + PEER_SETTINGS + (PEER_PRODUCTION if production else ""))
    (project / "peer" / "counter.py").write_text(PEER_COUNTER)
    (project / "peer" / "urls.py").write_text(
        "from django.urls import include, path\nfrom wagtail import urls as wagtail_urls\n"
        "urlpatterns = [path('', include(wagtail_urls))]\n"
    )
    (project / "peer" / "wsgi.py").write_text(
        "import os\nfrom django.core.wsgi import get_wsgi_application\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'peer.settings')\napplication = get_wsgi_application()\n"
    )
    (project / "news" / "__init__.py").write_text("")
    (project / "news" / "migrations" / "__init__.py").write_text("")
    (project / "news" / "models.py").write_text(PEER_MODELS)
    (project / "news" / "templates" / "news" / "news_page.html").write_text(PEER_TEMPLATE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peer.settings", "PYTHONPATH": str(project)}
    manage = [str(python), "-m", "django"]
    subprocess.run([*manage, "makemigrations", "news", "-v0"], env=env, cwd=project, check=True)
    if uses_hitcount and subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=project).returncode != 0:
        # django-hitcount installed but does not run beside this Wagtail/Django: the F() counter instead.
        uses_hitcount = False
        settings_file.write_text(head.replace("USE_HITCOUNT = True", "USE_HITCOUNT = False") + PEER_SETTINGS)
        (project / "peer.sqlite3").unlink(missing_ok=True)
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=project, check=True)
    script = textwrap.dedent(
        f"""
        from datetime import timedelta
        from django.utils import timezone
        from wagtail.models import Page
        from news.models import NewsPage
        home = Page.objects.get(depth=2)
        def add(title, slug, body, hours):
            page = NewsPage(title=title, slug=slug, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
            NewsPage.objects.filter(pk=page.pk).update(first_published_at=timezone.now() - timedelta(hours=hours))
        for i, t in enumerate({SIBLINGS!r}):
            add(t, "tin-" + str(i), "<p>" + t + "</p>", i + 2)
        add({TITLE!r}, {SLUG!r}, {BODY!r}, 1)
        """
    )
    subprocess.run([*manage, "shell", "-c", script], env=env, cwd=project, check=True)
    return env, uses_hitcount


def redis_client(url: str):
    import redis  # phoihop's own dependency when REDIS_URL is used

    return redis.Redis.from_url(url)


def clear_peer_redis(url: str) -> None:
    client = redis_client(url)
    for key in client.scan_iter(PEER_REDIS_PREFIX + "*", count=1000):
        client.delete(key)


def count_peer_redis(url: str) -> int:
    return int(redis_client(url).get(f"{PEER_REDIS_PREFIX}views:/{SLUG}/") or 0)


def count_peer(folder: Path, uses_hitcount: bool) -> int:
    with sqlite3.connect(folder / "peer_site" / "peer.sqlite3") as db:
        page_id = db.execute("SELECT p.id FROM wagtailcore_page p WHERE p.slug = ?", (SLUG,)).fetchone()[0]
        if uses_hitcount:
            row = db.execute(
                "SELECT hits FROM hitcount_hit_count WHERE object_pk = ?", (str(page_id),)
            ).fetchone()
            return row[0] if row else 0
        return db.execute("SELECT views FROM news_newspage WHERE page_ptr_id = ?", (page_id,)).fetchone()[0]


# -- one site's run -------------------------------------------------------------------------------------
def run_site(name, command, env, cwd, port, path, args, count_fn) -> dict:
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews the figures
    server = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        probes = wait_up(port, path)
        time.sleep(1.0)
        warm = load(port, path, 400, args.clients)
        measured = load(port, path, args.requests, args.clients)

        def restart_midway():
            time.sleep(max(0.5, measured["seconds"] * args.restart_requests / args.requests / 2))
            os.kill(server.pid, signal.SIGHUP)  # gunicorn: new workers, old ones finish and exit gracefully

        restart = load(port, path, args.restart_requests, args.clients, during=restart_midway)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
    served = probes + warm["ok"] + measured["ok"] + restart["ok"]
    stored = count_fn()
    return {
        "site": name,
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in measured.items()},
        "served_200": served,
        "stored_count": stored,
        "exact": stored == served,
        "retried_errors": warm["errors"] + measured["errors"] + restart["errors"],
        "loadavg_before": load_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--restart-requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=max(2, multiprocessing.cpu_count()))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--peer-venv", help="reuse a virtualenv that already has wagtail, gunicorn, django-hitcount"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--peers", default="hitcount,production", help="which Wagtail peers to run")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8"),
        help="Redis for the production peer's page cache and counter (its keys are cleared first)",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    results = []
    try:
        env = setup_phoihop(folder)
        port = free_port()
        results.append(
            run_site(
                "phoihop",
                [
                    str(PHOIHOP),
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                    "--threads",
                    str(args.threads),
                ],
                env,
                REPO,
                port,
                f"/tin-tuc/{SLUG}/",
                args,
                lambda: count_phoihop(folder),
            )
        )
        python = peer_python(folder, args.peer_venv)
        peers = [p.strip() for p in args.peers.split(",") if p.strip()]
        for kind in peers:
            production = kind == "production"
            if production:
                clear_peer_redis(args.redis_url)
            peer_env, uses_hitcount = setup_peer(
                folder, python, production=production, redis_url=args.redis_url
            )
            port = free_port()
            gunicorn = [
                str(python), "-m", "gunicorn", "peer.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
                "--graceful-timeout", "20",
            ]  # fmt: skip
            if production:
                name, count = "wagtail+wagtail-cache+Redis counter", lambda: count_peer_redis(args.redis_url)
            else:
                name = "wagtail+" + ("django-hitcount" if uses_hitcount else "F() update")
                count = lambda u=uses_hitcount: count_peer(folder, u)  # noqa: E731
            results.append(
                run_site(
                    name,
                    gunicorn,
                    peer_env,
                    folder / ("peer_production" if production else "peer_site"),
                    port,
                    f"/{SLUG}/",
                    args,
                    count,
                )
            )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    machine = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "workers": args.workers,
        "threads": args.threads,
        "clients": args.clients,
        "requests": args.requests,
    }
    print(json.dumps({"machine": machine, "results": results}, ensure_ascii=False, indent=2))
    print()
    print("| site | requests/s | p50 ms | p99 ms | 200s served | count stored | exact |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['site']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['served_200']} | "
            f"{r['stored_count']} | {'yes' if r['exact'] else 'NO'} |"
        )
    for peer in results[1:]:
        print(f"\nthroughput ratio phoihop / {peer['site']}: {results[0]['rps'] / peer['rps']:.1f}×")


if __name__ == "__main__":
    main()
