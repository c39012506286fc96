"""The demo city's 揭榜挂帅: a decided call with three applicants, one selected with its task and signed
pledge, and a call still open with two applications, all through the services."""

from luoshi.audit.models import AuditEvent
from luoshi.challenges.models import Application, OpenCall
from luoshi.challenges.rules import ApplicationState, CallState
from luoshi.demo.tests.test_demo import TODAY, demo, loaded  # noqa: F401 -- the module's demo city
from luoshi.plans.models import Pledge


def test_the_demo_has_a_decided_call_with_its_pledge_and_an_open_one(demo):  # noqa: F811
    decided = OpenCall.objects.get(state=CallState.DECIDED)
    states = sorted(decided.applications.values_list("state", flat=True))
    assert states == [ApplicationState.NOT_SELECTED, ApplicationState.NOT_SELECTED, ApplicationState.SELECTED]
    chosen = decided.applications.get(state=ApplicationState.SELECTED)
    assert chosen.task is not None and chosen.task.task_list == decided.task_list
    assert chosen.task.lead_unit == chosen.unit and chosen.task.due == chosen.committed_due
    pledge = Pledge.objects.get(task=chosen.task)
    assert pledge.signer.unit == chosen.unit and pledge.signed_at.date() < TODAY
    still_open = OpenCall.objects.get(state=CallState.PUBLISHED)
    assert still_open.closes_on > TODAY and still_open.applications.count() == 2
    assert still_open.takes_applications


def test_every_demo_call_and_application_is_audited(demo):  # noqa: F811
    assert AuditEvent.objects.filter(action="open_call.create").count() == OpenCall.objects.count()
    assert AuditEvent.objects.filter(action="call_application.submit").count() == Application.objects.count()
