"""gunicorn settings of Agora (``gunicorn wsgi:app`` reads this file from the project folder).

The application is imported and warmed once in the master, before the workers are
forked (``preload_app``): each worker starts with compiled templates and the public
pages and feeds already built, so its first request is not the slow one. Each worker
then rebuilds an edition's feed, programme and exports in a thread after a change, so
that subscribers find them built.
"""

import os

preload_app = True
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, so that a slow request (an organiser's whole-day schedule, a move that mails
# every attendee who starred the session: seconds) does not hold a worker while the
# public's requests of a few milliseconds queue behind it.
worker_class = "gthread"
threads = int(os.environ.get("AGORA_THREADS", "4"))
# Each answer closes its connection, as the sync worker's do: a kept-alive connection the
# worker closes after two idle seconds resets the client's next request on it (the
# reverse proxy in front opens a connection per request anyway).
keepalive = 0


def when_ready(server):
    """Warm the preloaded application in the master, before the first fork.

    Then freeze what the master holds (modules, templates, kept answers): the workers'
    garbage collections no longer walk those objects, so they stay short and do not
    write to the pages the workers share with the master.
    """
    import gc

    from app.warmup import warm_up

    warm_up(server.app.wsgi())
    gc.freeze()


def post_fork(server, worker):
    """Open the worker's database connection before its first reader, then rebuild the
    public answers of a changed edition ahead of its readers."""
    from app.warmup import rebuild_after_changes, warm_worker

    app = server.app.wsgi()
    warm_worker(app)
    rebuild_after_changes(app)
