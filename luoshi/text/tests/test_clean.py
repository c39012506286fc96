"""The cleaner against the corpus gold (tests/corpus/README.md) and its properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.text.clean import Cleaned, clean
from luoshi.text.cleaning.mojibake import REPLACEMENT, _deletion_bytes, _private_use_pairs, common
from luoshi.text.cleaning.ruby import readings

SEEDS = Path(__file__).parent / "corpus" / "seeds"
NAMES = sorted(p.name.removesuffix(".txt") for p in SEEDS.glob("*.txt") if not p.name.endswith(".clean.txt"))
NAMES = [name for name in NAMES if not name.endswith(".clean.hans")]

# The README's table: ruby readings, stray commas, mojibake runs, boilerplate lines (000 / 001 / 002).
README_COUNTS = {
    "000": {"ruby": 213, "comma": 62, "mojibake": 4, "boilerplate": 4},
    "001": {"ruby": 261, "comma": 0, "mojibake": 1, "boilerplate": 4},
    "002": {"ruby": 145, "comma": 0, "mojibake": 2, "boilerplate": 3},
}


def read(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def assert_matches_gold(cleaned: Cleaned, gold: str) -> None:
    """Exact match, with one allowance: where the cleaner marks a lost character with U+FFFD, the gold may
    hold the character it reconstructed by hand. Nothing else may differ: same length, same characters."""
    text = cleaned.text
    assert len(text) == len(gold)
    differences = [(k, text[k], gold[k]) for k in range(len(text)) if text[k] != gold[k]]
    assert [d for d in differences if d[1] != REPLACEMENT] == []
    assert text.count(REPLACEMENT) == cleaned.repairs["lost"]


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_a_seed_reproduces_the_gold(name: str) -> None:
    assert_matches_gold(clean(read(f"{name}.txt")), read(f"{name}.clean.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_cleaning_a_seed_to_simplified_reproduces_the_simplified_gold(name: str) -> None:
    assert_matches_gold(clean(read(f"{name}.txt"), simplified=True), read(f"{name}.clean.hans.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_repair_counts_match_the_readme(name: str) -> None:
    cleaned = clean(read(f"{name}.txt"))
    expected = README_COUNTS[name[:3]]
    assert {key: cleaned.repairs[key] for key in ("ruby", "comma", "mojibake")} == {
        key: expected[key] for key in ("ruby", "comma", "mojibake")
    }
    assert len(cleaned.boilerplate) == expected["boilerplate"]
    assert set(cleaned.repairs) == {"ruby", "comma", "mojibake", "lost"}


def test_boilerplate_lines_are_moved_not_lost() -> None:
    cleaned = clean(read("002_cbb223353e170aad.txt"))
    assert cleaned.boilerplate[1] == "責任編輯: 吉政"
    assert "責任編輯" not in cleaned.text
    assert cleaned.text.endswith("本報評論員\n")


def test_ruby_readings_go_only_where_pypinyin_confirms_them() -> None:
    cleaned = clean("中國(guó)共產(chǎn)黨(作者系樂陵市委)廣電(藏)字各級黨委(黨組)班子(班子成員)重(zhòng)要")
    assert cleaned.text == "中國共產黨(作者系樂陵市委)廣電(藏)字各級黨委(黨組)班子(班子成員)重要"
    assert cleaned.repairs["ruby"] == 3


def test_a_reading_the_character_does_not_have_stays() -> None:
    assert clean("中(guó)").text == "中(guó)"


def test_stray_commas_before_punctuation_go() -> None:
    cleaned = clean("開局之年,,是開啟新征程,、向目標進軍,。強調:“好,;")
    assert cleaned.text == "開局之年,是開啟新征程、向目標進軍。強調:“好;"
    assert cleaned.repairs["comma"] == 4


def test_a_simplified_copy_writes_zhe_for_the_particle_and_keeps_zhu_words() -> None:
    text = clean(
        "一錘接著一錘敲,在關鍵處著力,沿著道路,意味著,成效顯著,著名的著作,成績卓著", simplified=True
    ).text
    assert text == "一锤接着一锤敲,在关键处着力,沿着道路,意味着,成效显著,著名的著作,成绩卓著"


def damage(original: str, start: int, stop: int) -> str:
    """Mojibake as the README describes it: from character `start` the page's GBK bytes are read one byte
    out of step; the first byte and the trail byte of character `stop - 1` come out as `?`."""
    data = original.encode("gbk")
    offsets = [len(original[:k].encode("gbk")) for k in range(len(original) + 1)]
    first, last = offsets[start], offsets[stop] - 1
    middle = data[first + 1 : last].decode("gbk")
    return original[:start] + "?" + middle + "?" + original[stop:]


def test_an_out_of_step_run_is_re_decoded_and_its_lost_bytes_marked() -> None:
    original = "我们要扎实推进各项工作任务落到实处,确保取得实效。"
    damaged = damage(original, 8, 14)
    assert damaged == "我们要扎实推进各?罟ぷ魅挝衤?到实处,确保取得实效。"
    # Alone, every character of the run could be a pair split by a deleted phantom. The words around the
    # run weigh the readings of its bytes (cleaning.words): 作 and 务 stand, every reading that splits them
    # being over a thousand times less likely; 工 and 任 stay marked. Of the characters whose lead (项) and
    # trail (落) bytes were lost, 落 is settled by its surviving lead byte C2 and 落到实处; 项 stays marked.
    alone = clean(damaged)
    assert alone.text == "我们要扎实推进各\ufffd\ufffd作\ufffd务落到实处,确保取得实效。"
    assert alone.repairs["mojibake"] == 1 and alone.repairs["lost"] == 3
    # Where the page itself pairs them elsewhere, the re-decoded characters stand too.
    page = "各项工作任务都要落实。"
    assert clean(page + damaged).text == page + "我们要扎实推进各\ufffd工作任务落到实处,确保取得实效。"


def test_a_stray_reading_restores_a_lost_byte_only_when_one_character_fits() -> None:
    # yōu is the reading of 優, the phantom that 變's trail byte formed with the lost lead byte of 為, and
    # no other GBK character with trail byte E9 fits it. The page pairs 變為 elsewhere, so it stands.
    assert clean("變為現實。藍圖變?yōu)楝F(xiàn)實,").text == "變為現實。藍圖變為現實,"
    # zé fits 熱 (phantom 責) and 俞 (phantom 赜): two candidates, so 熱 is marked lost, and so is 潮,
    # whose trail byte was lost, although the page says 貫徹熱潮 one sentence before.
    cleaned = clean("掀起學習貫徹熱潮。掀起學習宣傳貫徹?zé)岢?。要")
    assert cleaned.text == "掀起學習貫徹熱潮。掀起學習宣傳貫徹\ufffd\ufffd。要"
    assert cleaned.repairs["lost"] == 2
    # shí fits 實, 実, 宲 and 寔 with lead byte 8C: marked lost, common or not.
    assert clean("重要前提?!甭鋵?shí)自治區").text.endswith("\ufffd自治區")


def test_a_question_mark_in_the_text_is_left_alone() -> None:
    for text in ("嗎?我們要問:為什麼?", "我们要扎实推进各项工作任务?", "是否?GDP增速"):
        assert clean(text).text == text


# -- properties --------------------------------------------------------------------------------------------

COMMON_HAN = sorted(c for c in common() if "\u4e00" <= c <= "\u9fff")
han = st.one_of(st.sampled_from(COMMON_HAN), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
ordinary_punctuation = st.sampled_from(list("。、；：“”‘’《》！？…—"))
READINGS = [
    "(guó)",
    "(shí)",
    "(yōu)",
    "(zé)",
    "(zhōng)",
    "(作者系)",
    "(藏)",
    "(黨組)",
    "(xiàn)",
    "yōu)",
    "shí)",
]
damage_like = st.sampled_from(
    ["?", "!", "?!", ",", ",,", ",、", ",。", "\ue1e8", "ヨ", "ㄗ", "鋵", "F", "N", "\n", " "]
)
mixed = st.lists(
    st.one_of(han, ordinary_punctuation, st.sampled_from(READINGS), damage_like), max_size=60
).map("".join)
any_text = st.one_of(st.text(), mixed)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, st.booleans())
def test_cleaning_never_raises_and_is_idempotent(text: str, simplified: bool) -> None:
    once = clean(text, simplified=simplified)
    assert set(once.repairs) == {"ruby", "comma", "mojibake", "lost"}
    assert clean(once.text, simplified=simplified).text == once.text


@settings(max_examples=300)
@given(any_text)
def test_the_output_is_never_longer_than_the_input(text: str) -> None:
    # A re-decoded run of n bytes yields at most n/2 characters, lost ones included, plus one lost
    # character for each deleted user-defined pair it puts back (two at most per run); every other repair
    # only removes. So the text plus the moved boilerplate outgrows the input by at most that
    # (Traditional script; t2s may rewrite phrases).
    cleaned = clean(text)
    moved = sum(len(line) for line in cleaned.boilerplate)
    assert len(cleaned.text) + moved <= len(text) + 2 * cleaned.repairs["mojibake"]


@settings(max_examples=300)
@given(st.lists(st.one_of(han, ordinary_punctuation), max_size=80).map("".join))
def test_undamaged_han_text_comes_back_unchanged(text: str) -> None:
    # No parentheses, commas, `?` or line breaks: nothing here is damage, so nothing may change.
    cleaned = clean(text)
    assert cleaned.text == text
    assert cleaned.repairs == {"ruby": 0, "comma": 0, "mojibake": 0, "lost": 0}


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from(COMMON_HAN), st.booleans()), min_size=1, max_size=60))
def test_every_confirmed_reading_and_no_character_is_removed(chars: list[tuple[str, bool]]) -> None:
    text = ""
    inserted = 0
    for char, annotate in chars:
        text += char
        known = sorted(readings(char))
        if annotate and known:
            text += f"({known[0]})"
            inserted += 1
    cleaned = clean(text)
    assert cleaned.text == "".join(char for char, _ in chars)
    assert cleaned.repairs["ruby"] == inserted


def test_a_deleted_pair_is_any_pair_gb18030_decodes_to_a_private_use_character() -> None:
    # Not only GBK's user-defined areas: A2B0 (、's trail A2, then a character such as 安 whose lead is B0)
    # is unassigned in the symbol row and decodes to a private-use character too, so it may be deleted.
    assert (0xA2, 0xB0) in _private_use_pairs() and (0xAC, 0xB6) in _private_use_pairs()
    assert (0xB0, 0xB2) not in _private_use_pairs()  # 安 itself
    begins, ends = _deletion_bytes()
    assert 0xA2 in begins and 0xB0 in ends and 0xB0 not in begins
