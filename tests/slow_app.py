"""A WSGI app that never finishes its one request, for the per-request time-limit test."""

import time


def app(environ, start_response):
    time.sleep(3600)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"finished"]
