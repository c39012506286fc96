from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.audit import services


@db_periodic_task(crontab(minute="*"))
def seal_audit_events() -> int:
    """Seal what was appended since the last run, so tampering is evident within a minute."""
    return services.seal_all()
