import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from luoshi.audit import context
from luoshi.audit.context import RequestContext
from luoshi.core.addresses import client_address


class RequestContextMiddleware:
    """Remember the client address and a request id for the audit events written while serving."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The same rule as the sign-in throttle: a forwarded address only from a trusted proxy.
        ctx = RequestContext(ip_address=client_address(request), request_id=uuid.uuid4().hex)
        token = context.set_for_request(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = ctx.request_id
        return response
