"""gunicorn settings of Agora (``gunicorn wsgi:app`` reads this file from the project folder).

The application is imported and warmed once in the master, before the workers are
forked (``preload_app``): each worker starts with compiled templates and the public
pages and feeds already built, so its first request is not the slow one.
"""

import os

preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))


def when_ready(server):
    """Warm the preloaded application in the master, before the first fork."""
    from app.warmup import warm_up

    warm_up(server.app.wsgi())
