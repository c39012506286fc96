from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.notify import channels, outbound
from luoshi.notify.models import Notice, WebhookEndpoint


@db_task()
def deliver(notice_ids: list[int], unit_ids: list[int]) -> int:
    """Send the notices by e-mail and to the units' active group robots; return how many sends."""
    notices = list(Notice.objects.filter(pk__in=notice_ids).select_related("recipient").order_by("pk"))
    endpoints = list(WebhookEndpoint.objects.active().filter(unit_id__in=unit_ids).order_by("pk"))
    return len(channels.send_deliveries(notices=notices, endpoints=endpoints))


@db_task()
def send_outbound(delivery_ids: list[int]) -> int:
    """First try of the outbound webhook deliveries of an event; return how many were tried."""
    return outbound.send_all(delivery_ids)


@db_periodic_task(crontab(minute="*"))
def retry_outbound() -> int:
    """Every minute: try again the outbound webhook deliveries whose next attempt is due."""
    return outbound.send_due()
