"""Excel workbooks laid out the way an office prints them (a title row, a frozen header, groups, A4).

The apps say which columns a sheet has and what goes in them; this module owns how every export looks, so
all of Luoshi's spreadsheets print alike. A higher app adds columns to a lower app's sheet by registration
(`register_column`), as with the page panels. Exported text is user-entered, so a value that a spreadsheet
would read as a formula is stored as plain text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from luoshi.core import clock

# A workbook is built in memory: this bounds its size (about 5,000 rows of a dozen short columns is a few
# megabytes), and is far above any one office's list; a larger selection is refused, never cut short.
MAX_ROWS = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters that make Excel, WPS or LibreOffice read a typed-in cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER_ROW = 3  # row 1 the title, row 2 the office and date
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One column: its heading, its width in characters, its value, and optionally its fill colour."""

    title: str
    width: float
    value: Callable[[Any], object]
    fill: Callable[[Any], str | None] | None = None  # an RGB hex colour ("B3261E") or None
    related: tuple[str, ...] = ()  # select_related paths `value` reads, so the export stays a few queries
    centred: bool = False


class TooManyRows(Exception):
    """The selection is larger than one workbook may hold (MAX_ROWS)."""


ColumnMaker = Callable[[], Column]
_extra: dict[str, list[ColumnMaker]] = {}


def register_column(sheet: str, maker: ColumnMaker) -> ColumnMaker:
    """Add a column (made when the sheet is built, so its title is in the reader's language) to `sheet`."""
    makers = _extra.setdefault(sheet, [])
    if maker not in makers:
        makers.append(maker)
    return maker


def extra_columns(sheet: str) -> list[Column]:
    return [make() for make in _extra.get(sheet, [])]


def _put(ws: Worksheet, row: int, col: int, value: object) -> Any:
    cell = ws.cell(row=row, column=col)
    value = "" if value is None else value
    cell.value = value  # type: ignore[assignment]
    if isinstance(value, str):
        # A string cell is never evaluated; the quote prefix keeps it text when someone edits it, too.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def long_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


class Book:
    """An export workbook: add sheets, then `response(filename)`."""

    def __init__(self, *, office: str, on: dt.date) -> None:
        self.office, self.on = office, on
        self.workbook = Workbook()
        self._fresh = True

    @classmethod
    def for_user(cls, user: Any) -> Book:
        """A workbook titled for the user's office (their unit), dated today."""
        unit = getattr(user, "unit", None)
        return cls(office=unit.name if unit is not None else "", on=clock.today())

    def sheet(
        self,
        *,
        title: str,
        columns: Sequence[Column],
        groups: Iterable[tuple[str | None, Iterable[Any]]],
        max_rows: int | None = None,
    ) -> Worksheet:
        """Add a sheet of `columns` over `groups` of rows, each group under a merged heading row.

        Raise TooManyRows past `max_rows` (by default MAX_ROWS) rows.
        """
        limit = MAX_ROWS if max_rows is None else max_rows
        if self._fresh:
            ws: Worksheet = self.workbook.active  # type: ignore[assignment]
            self._fresh = False
        else:
            ws = self.workbook.create_sheet()
        ws.title = _sheet_name(title)
        width = len(columns)
        last = get_column_letter(width)
        _put(ws, 1, 1, title).font = Font(bold=True, size=16)
        ws.cell(row=1, column=1).alignment = CENTRE
        ws.merge_cells(f"A1:{last}1")
        ws.row_dimensions[1].height = 30
        subtitle = _("Office: %(office)s    Date: %(date)s") % {
            "office": self.office,
            "date": long_date(self.on),
        }
        _put(ws, 2, 1, subtitle).alignment = Alignment(horizontal="right")
        ws.merge_cells(f"A2:{last}2")
        for c, column in enumerate(columns, start=1):
            cell = _put(ws, HEADER_ROW, c, column.title)
            cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, CENTRE
            ws.column_dimensions[get_column_letter(c)].width = column.width
        row, count = HEADER_ROW, 0
        for heading, items in groups:
            if heading is not None:
                row += 1
                cell = _put(ws, row, 1, heading)
                cell.font, cell.fill = Font(bold=True), GROUP_FILL
                for c in range(1, width + 1):
                    ws.cell(row=row, column=c).border = BORDER
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            for item in items:
                count += 1
                if count > limit:
                    raise TooManyRows
                row += 1
                for c, column in enumerate(columns, start=1):
                    cell = _put(ws, row, c, column.value(item))
                    cell.border = BORDER
                    cell.alignment = CENTRE if column.centred else WRAP
                    colour = column.fill(item) if column.fill else None
                    if colour:
                        cell.fill = PatternFill("solid", fgColor=colour)
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        _print_setup(ws)
        return ws

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def response(self, filename: str) -> HttpResponse:
        response = HttpResponse(self.to_bytes(), content_type=XLSX)
        response["Content-Disposition"] = _attachment(filename)
        return response


def _print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide, the header repeated on every page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "&P / &N"


def _sheet_name(title: str) -> str:
    """A legal sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:31] or "Sheet"


def _attachment(filename: str) -> str:
    """A Content-Disposition that keeps a Chinese file name (RFC 6266) with an ASCII fallback."""
    return f"attachment; filename=\"luoshi.xlsx\"; filename*=UTF-8''{quote(filename)}"


def filename(*parts: str, on: dt.date) -> str:
    name = "-".join(p for p in parts if p)
    cleaned = "".join("_" if ch in '\\/:*?"<>|\r\n' else ch for ch in name)
    return f"{cleaned}-{on:%Y%m%d}.xlsx"
