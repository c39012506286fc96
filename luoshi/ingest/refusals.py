"""Why a document could not be read, in the reader's language: the intake page and `luoshi ingest` say it.

luoshi.text raises DocumentError with what went wrong as data (its str() is English, for the log); this
words it with gettext, naming the file and saying what to do, which for a format Luoshi does not read is
always the same: save it as .docx or as a PDF with text. A zip-based file refused by the archive limits
is worded as every other upload's refusal is (core.attachments.archive_refusal).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from luoshi.core.attachments import archive_refusal
from luoshi.text.files import DocumentError, DocumentRefused, Kind


def document_refusal(exc: DocumentError) -> str:
    """What is wrong with the document and what to do about it, naming the file."""
    if isinstance(exc, DocumentRefused):
        return archive_refusal(exc)
    wording = {
        Kind.MISSING: _("“%(name)s” does not exist."),
        Kind.NOT_A_FILE: _("“%(name)s” is not a file."),
        Kind.TOO_LARGE: _("“%(name)s” is larger than %(mb)s MB."),
        Kind.BINARY: _(
            "“%(name)s” is neither text nor a document Luoshi can read. Upload a PDF with text, an OFD, "
            "a .docx, a .txt or a web page saved as .html."
        ),
        Kind.UNDECODABLE: _(
            "“%(name)s” is not text in UTF-8, GB18030 or Big5. Open it, save it as .docx, and upload it "
            "again."
        ),
        Kind.UNSUPPORTED: _(
            "“%(name)s” is a %(format)s file, which Luoshi cannot read. Open it in WPS or Word, save it as "
            ".docx or as a PDF with text, and upload that."
        ),
        Kind.DAMAGED: _(
            "“%(name)s” is damaged and cannot be opened as a %(format)s file. Save it again, or ask the "
            "sender for a new copy, and upload it again."
        ),
        Kind.ENCRYPTED: _(
            "“%(name)s” is protected by a password, so Luoshi cannot read it. Save a copy without the "
            "password and upload that."
        ),
        Kind.SCANNED: _(
            "“%(name)s” is a scan with no text layer, so there is no text to read. Save it as a PDF with "
            "text or as .docx and upload that (a paper original needs text recognition first)."
        ),
        Kind.TOO_MANY_PAGES: _(
            "“%(name)s” has more than %(limit)s pages; Luoshi reads at most %(limit)s. Upload the part "
            "that holds the tasks."
        ),
        Kind.TOO_LONG: _(
            "“%(name)s” holds more than %(limit)s characters of text; Luoshi reads at most %(limit)s. "
            "Upload the part that holds the tasks."
        ),
    }[exc.kind]
    return wording % {
        "name": exc.name,
        "format": exc.format,
        "limit": f"{exc.limit:,}",
        "mb": exc.limit >> 20,
    }


def page_numbers(pages: list[int]) -> str:
    """Page numbers as the reader's language lists them, runs shortened: [3, 5, 6, 7] → "3、5–7"."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    # Translators: the separator between the items of a list of page numbers ("3, 5–7").
    separator = pgettext("list separator", ", ")
    return separator.join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def unread_pages_warning(pages: list[int]) -> str:
    """The warning for pages a partly scanned PDF could not be read from; empty when every page was read."""
    if not pages:
        return ""
    return ngettext(
        "Page %(pages)s has no text layer (a scanned page): what it says was not read. Check it against "
        "the original and add its tasks, or ask for a PDF with text.",
        "Pages %(pages)s have no text layer (scanned pages): what they say was not read. Check them "
        "against the original and add their tasks, or ask for a PDF with text.",
        len(set(pages)),
    ) % {"pages": page_numbers(pages)}
