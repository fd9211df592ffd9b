import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phoihop.settings")
application = get_wsgi_application()

from phoihop.site.warmup import warm_up  # noqa: E402 - Django is set up by the line above

warm_up()  # the pages' code loaded now, not on the first request (phoihop.site.warmup)
