from huey.contrib.djhuey import db_task

from luoshi.notify import channels
from luoshi.notify.models import Notice, WebhookEndpoint


@db_task()
def deliver(notice_ids: list[int], unit_ids: list[int]) -> int:
    """Send the notices by e-mail and to the units' active group robots; return how many sends."""
    notices = list(Notice.objects.filter(pk__in=notice_ids).select_related("recipient").order_by("pk"))
    endpoints = list(WebhookEndpoint.objects.active().filter(unit_id__in=unit_ids).order_by("pk"))
    return len(channels.send_deliveries(notices=notices, endpoints=endpoints))
