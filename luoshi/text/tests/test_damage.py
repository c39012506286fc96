from pathlib import Path

from luoshi.text.damage import damage_spans, lost_pieces, marked

SEED = Path(__file__).parent / "corpus" / "seeds" / "000_ed23dcf7e8e282a0.txt"


def test_readings_commas_and_garbled_runs_are_marked_where_they_are():
    raw = "中國(guó)共產黨,。前提?!甭鋵實自治區(藏)"
    kinds = [(raw[s.start : s.end], s.kind) for s in damage_spans(raw)]
    assert ("(guó)", "ruby") in kinds and (",", "comma") in kinds
    assert any(kind == "mojibake" for _, kind in kinds)
    assert "(藏)" not in [text for text, _ in kinds]  # a real parenthesis stays unmarked


def test_the_pieces_put_back_together_are_the_raw_text():
    raw = SEED.read_text(encoding="utf-8")
    pieces = marked(raw)
    assert "".join(p for p, _ in pieces) == raw
    counts = {kind: sum(1 for _, k in pieces if k == kind) for kind in ("ruby", "comma", "boilerplate")}
    assert counts["ruby"] > 150 and counts["comma"] > 40 and counts["boilerplate"] >= 1


def test_lost_characters_are_cut_out_in_runs():
    assert lost_pieces("各项\ufffd\ufffd工作\ufffd") == [
        ("各项", False),
        ("\ufffd\ufffd", True),
        ("工作", False),
        ("\ufffd", True),
    ]
    assert lost_pieces("完好") == [("完好", False)]
