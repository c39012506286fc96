"""Background work of the intake: a job loads a long document or a large spreadsheet import by id and calls
one service."""

from django.conf import settings
from django.utils import translation
from huey.contrib.djhuey import db_task

from luoshi.ingest import services, sheet_imports
from luoshi.jobqueue import WAITED_ON


@db_task(priority=WAITED_ON)
def check_sheet(pk: int) -> str:
    """Dry-run the kept file; return the state it ends in."""
    with translation.override(settings.LANGUAGE_CODE):
        imp = sheet_imports.run_check(pk)
    return imp.state if imp else "gone"


@db_task(priority=WAITED_ON)
def commit_sheet(pk: int) -> str:
    """Create the kept file's tasks; return the state it ends in."""
    with translation.override(settings.LANGUAGE_CODE):
        imp = sheet_imports.run_commit(pk)
    return imp.state if imp else "gone"


@db_task(priority=WAITED_ON)
def read_document(pk: int) -> str:
    """Read a long uploaded document into its draft; return the state it ends in."""
    with translation.override(settings.LANGUAGE_CODE):
        draft = services.read_draft(pk)
    return draft.state if draft else "gone"
