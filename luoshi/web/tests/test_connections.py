"""A database connection that died between two requests costs no user a 500 (CONN_HEALTH_CHECKS)."""

from http.cookies import SimpleCookie

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client, RequestFactory

from luoshi.testing import build_city


def serve(path: str, cookies: SimpleCookie) -> int:
    """Answer a GET the way the production WSGI handler does, and return its status code.

    The test client leaves out the request-start step in which Django checks a connection kept from an
    earlier request (it must not close a test's transaction), and that step is what is tested here.
    """
    cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in cookies.values())
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # the end of the request, as a server ends it
    return int(statuses[0].split()[0])


def terminate(pid: int) -> None:
    """Kill a PostgreSQL backend from another connection, as a restart or an idle timeout would."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone
            assert cursor.fetchone()[0]
    finally:
        other.close()


def test_a_connection_the_database_dropped_is_replaced_before_the_next_page(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("kept connections and pg_terminate_backend are PostgreSQL's")
    city = build_city()
    client = Client()
    client.force_login(city.county_liaison)
    assert serve("/", client.cookies) == 200
    assert connection.health_check_enabled  # the setting under test, on the connection the page used
    pid = connection.connection.info.backend_pid
    terminate(pid)
    assert serve("/", client.cookies) == 200
    assert connection.connection.info.backend_pid != pid
