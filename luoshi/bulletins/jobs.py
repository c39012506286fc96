"""Background work of 通报: a job loads the bulletin by id and calls one service."""

from huey.contrib.djhuey import db_task

from luoshi.bulletins import services
from luoshi.bulletins.models import Bulletin
from luoshi.jobqueue import WAITED_ON


@db_task(priority=WAITED_ON)
def generate_bulletin(pk: int) -> str:
    """Draft the bulletin's sections; return the state it ends in."""
    bulletin = Bulletin.objects.filter(pk=pk).first()
    if bulletin is None:
        return "gone"
    return str(services.generate(bulletin).state)
