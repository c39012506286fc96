"""The 督办台账: the filtered item list out to Excel, in the layout an office prints. Reads only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from luoshi.core import clock, sheets
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.supervision.models import SupervisionItem
from luoshi.supervision.views import filtered_items

RED = "F4CCCC"


def columns() -> list[sheets.Column]:
    today = clock.today()

    def overdue(item: SupervisionItem) -> str | None:
        return RED if item.is_overdue_on(today) else None

    return [
        sheets.Column(_("Number"), 20, lambda i: i.code, centred=True),
        sheets.Column(_("Item"), 36, lambda i: i.title),
        sheets.Column(_("Source"), 12, lambda i: i.get_source_display(), centred=True),
        sheets.Column(_("Urgency"), 8, lambda i: i.get_urgency_display(), centred=True),
        sheets.Column(_("Lead unit"), 18, lambda i: i.lead_unit.name),
        sheets.Column(_("Co-units"), 18, lambda i: "、".join(u.name for u in i.co_units.all())),
        sheets.Column(_("Deadline"), 12, lambda i: i.due, fill=overdue, centred=True),
        # A granted extension shows as such: the first deadline beside the one it moved to.
        sheets.Column(_("Original deadline"), 12, lambda i: i.first_due or "", centred=True),
        sheets.Column(_("State"), 12, lambda i: i.get_state_display(), centred=True),
        sheets.Column(
            _("Overdue"),
            8,
            lambda i: _("Overdue") if i.is_overdue_on(today) else "",
            fill=overdue,
            centred=True,
        ),
        sheets.Column(
            _("Closed on"), 12, lambda i: clock.local(i.closed_at).date() if i.closed_at else "", centred=True
        ),
        # Late work exempted under the fault-tolerance rules (容错免责) shows as such, with its rule.
        sheets.Column(_("Fault-tolerance exemption"), 24, exemption_text),
    ]


def exemption_text(item: SupervisionItem) -> str:
    """From `ItemQuerySet.with_exemptions()`: the rule invoked and who approved it, in the same query."""
    rule = getattr(item, "exemption_rule", None)
    if rule is None:
        return ""
    return _("Exempted: %(rule)s (approved by %(who)s)") % {
        "rule": rule,
        "who": getattr(item, "exemption_approver", "") or "",
    }


@login_required
@require_safe
def item_list_export(request: AuthenticatedRequest) -> HttpResponse:
    _form, items = filtered_items(request)
    book = sheets.Book.for_user(request.user)
    title = _("Supervision ledger")
    try:
        book.sheet(title=title, columns=columns(), groups=[(None, items.for_listing())])
    except sheets.TooManyRows:
        messages.error(request, _("Too many items for one workbook: narrow the filters."))
        return redirect(reverse("supervision:item_list") + "?" + request.GET.urlencode())
    return book.response(sheets.filename(title, on=book.on))
