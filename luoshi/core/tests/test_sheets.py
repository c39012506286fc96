import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from luoshi.core import sheets

COLUMNS = [sheets.Column("Text", 20, lambda row: row), sheets.Column("Length", 8, len, centred=True)]


def reopened(book):
    return load_workbook(io.BytesIO(book.response("x.xlsx").content))


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\t=cmd", '=HYPERLINK("x")'])
def test_text_a_spreadsheet_would_evaluate_is_stored_as_a_string(text):
    book = sheets.Book(office="青山县", on=dt.date(2026, 11, 18))
    book.sheet(title="t", columns=COLUMNS, groups=[(None, [text])])
    cell = reopened(book).active["A4"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_plain_text_and_numbers_stay_as_they_are():
    book = sheets.Book(office="青山县", on=dt.date(2026, 11, 18))
    book.sheet(title="t", columns=COLUMNS, groups=[("组", ["青山县"])])
    ws = reopened(book).active
    assert (ws["A5"].value, ws["A5"].quotePrefix, ws["B5"].value) == ("青山县", False, 3)
    assert "A4:B4" in {str(r) for r in ws.merged_cells.ranges}  # the group heading spans the row


def test_more_rows_than_the_bound_are_refused():
    book = sheets.Book(office="", on=dt.date(2026, 11, 18))
    with pytest.raises(sheets.TooManyRows):
        book.sheet(title="t", columns=COLUMNS, groups=[("a", ["1", "2"]), ("b", ["3"])], max_rows=2)


def test_a_sheet_and_file_name_are_legal_and_keep_their_chinese():
    book = sheets.Book(office="", on=dt.date(2026, 11, 18))
    ws = book.sheet(title="报送情况：一周一调度 第46期（11.16–11.22）/经济", columns=COLUMNS, groups=[])
    assert ws.title == "报送情况：一周一调度 第46期（11.16–11.22） 经济"[:31]  # only / was not
    name = sheets.filename("青山县", "任务/清单", on=dt.date(2026, 11, 18))
    assert name == "青山县-任务_清单-20261118.xlsx"
    assert "filename*=UTF-8''" in book.response(name)["Content-Disposition"]
