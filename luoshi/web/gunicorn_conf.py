"""gunicorn's settings for `luoshi serve`: `gunicorn -c python:luoshi.web.gunicorn_conf luoshi.wsgi`.

Sync workers, so that `timeout` bounds every request. gunicorn's master kills a worker that has not reported
alive for `timeout` seconds (SIGABRT, then SIGKILL a second later). A sync worker reports only between
requests, so a request that runs past LUOSHI_REQUEST_TIMEOUT (a document that takes minutes to read, a query
that never ends, a client trickling its body) ends with its worker, and its transaction rolls back. A
gthread worker reports from its main loop while its threads work, so its `timeout` never stops a request;
Python cannot stop a thread from outside; and PostgreSQL's statement_timeout bounds only SQL, not Python,
and would cut migrations and background jobs too. Sync workers serve one request at a time each: set
LUOSHI_WEB_WORKERS to about twice the cores, and put a buffering proxy in front (README, "Deployment").
"""

from __future__ import annotations

from gunicorn.http.wsgi import Response

from luoshi import settings

worker_class = "sync"
timeout = settings.LUOSHI_REQUEST_TIMEOUT
# gunicorn's own 414 is a bare English page; with its line limit at its maximum (8190), Django sees any
# address up to that and answers the styled 414 past LUOSHI_URL_MAX_CHARS (luoshi.web.limits).
limit_request_line = 8190
# gunicorn 23+ opens a control socket at ~/.gunicorn/gunicorn.ctl: two servers on one machine would share it.
control_socket_disable = True

_default_headers = Response.default_headers


def _without_server(self: Response) -> list[str]:
    """gunicorn's status line and headers, less `Server: gunicorn`: it only helps someone choose an exploit.

    gunicorn has no setting for it (benoitc/gunicorn#825): its maintainers prefer the header; we do not.
    """
    headers: list[str] = _default_headers(self)
    return [h for h in headers if not h.lower().startswith("server:")]


Response.default_headers = _without_server
