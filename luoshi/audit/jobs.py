from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from luoshi.audit import services


@db_periodic_task(crontab(minute="*"))
def seal_audit_events() -> int:
    """Seal what a writer's own seal after its commit left behind (it failed, or the process died)."""
    return services.seal_all()
