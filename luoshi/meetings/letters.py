"""The 工作提醒函 as a one-page official document (.docx): to the unit, what the meeting decided for it to
lead (each with its 督办件 number and deadline), what is asked of it, and the office's seal and date."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from luoshi.core import clock
from luoshi.core.officedoc import TITLE_FONT, attachment, new_document, paragraph, to_bytes
from luoshi.core.sheets import long_date
from luoshi.meetings.models import ReminderLetter

LETTER_SIZE = Pt(16)  # 三号: a letter, not a form


def build(letter: ReminderLetter) -> bytes:
    """The letter as .docx bytes."""
    meeting = letter.meeting
    decisions = list(letter.decisions())
    document = new_document()
    title = paragraph(
        document, _("Work reminder letter"), font=TITLE_FONT, size=Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.space_after = Pt(6)
    number = f"{meeting.held_on.year}-{meeting.pk}-{letter.number}"
    paragraph(document, _("No. %(number)s") % {"number": number}, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "")
    paragraph(document, f"{letter.unit.name}：", size=LETTER_SIZE)
    opening = _(
        "At %(meeting)s on %(date)s, the items below were decided for your unit to lead. Each is tracked as "
        "a supervision item: sign for it, carry it out by its deadline and report with evidence."
    ) % {"meeting": meeting.title, "date": long_date(meeting.held_on)}
    paragraph(document, "　　" + opening, size=LETTER_SIZE)
    for n, decision in enumerate(decisions, start=1):
        code = decision.item.code if decision.item is not None else ""
        due = _("due %(date)s") % {"date": long_date(decision.due)}
        paragraph(
            document,
            f"　　{n}. {decision.text}（{'，'.join(p for p in (code, due) if p)}）",
            size=LETTER_SIZE,
        )
    paragraph(
        document,
        "　　"
        + _("If a deadline cannot be kept, ask the office for an extension in advance, with the reason."),
        size=LETTER_SIZE,
    )
    paragraph(document, "")
    paragraph(document, meeting.convener.name, size=LETTER_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(
        document,
        long_date(clock.local(letter.sent_at).date()),
        size=LETTER_SIZE,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    return to_bytes(document)


def response(letter: ReminderLetter) -> HttpResponse:
    return attachment(build(letter), _("Work reminder letter") + f"-{letter.unit.name}.docx")
