"""The cleaner against the documented damage mechanisms on any text (issue 10, item 6).

Clean text (passages of the seeds' gold, random Chinese text, and the judge's unseen pages) is damaged by
`damage_sim`, which applies the corpus README's mechanisms as general rules, and cleaned again. The output
must give back the clean text except where it marks a lost character with U+FFFD, and never hold a
character that differs from the clean text without being U+FFFD ("zero invented"). Hypothesis runs
derandomized and without an example database, so CI sees the same examples every time and nothing is
written into the repository.
"""

from __future__ import annotations

import random
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.text.clean import clean
from luoshi.text.cleaning.mojibake import REPLACEMENT, common
from luoshi.text.tests import judge
from luoshi.text.tests.damage_sim import Damage, Score, damage, garble

SEEDS = Path(__file__).parent / "corpus" / "seeds"
PROPERTY = settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def gold_passages() -> list[str]:
    """Paragraphs of the seeds' hand-checked gold, Traditional and Simplified."""
    out = []
    for path in sorted(SEEDS.glob("*.clean*.txt")):
        out += [line for line in path.read_text(encoding="utf-8").splitlines() if len(line) >= 20]
    return out


PASSAGES = gold_passages()
COMMON_HAN = sorted(c for c in common() if "\u4e00" <= c <= "\u9fff")
PUNCTUATION = list("。，、；：“”《》！？")


def differences(output: str, gold: str) -> list[tuple[str, str]]:
    """(output, gold) pieces where the two differ, aligned."""
    matcher = SequenceMatcher(None, output, gold, autojunk=False)
    return [(output[a0:a1], gold[b0:b1]) for op, a0, a1, b0, b1 in matcher.get_opcodes() if op != "equal"]


def assert_restored_or_marked(output: str, gold: str) -> None:
    """Equal to the gold except at U+FFFD; nothing that differs from the gold without being U+FFFD.

    Aligned rather than position by position: where a deleted user-defined pair may or may not have split
    a pair of bytes, one U+FFFD can stand for two lost characters. Where the lengths agree, position by
    position first: an alignment of a repetitive text (一一一…) can pair a marked run with the wrong span."""
    marked = (want if out == REPLACEMENT else out for out, want in zip(output, gold, strict=False))
    if len(output) == len(gold) and "".join(marked) == gold:
        return
    invented = [(out, want) for out, want in differences(output, gold) if out.strip(REPLACEMENT)]
    assert invented == []
    if REPLACEMENT not in output:
        assert output == gold


# -- the simulator itself ----------------------------------------------------------------------------------


def test_the_simulator_reproduces_the_readme_run() -> None:
    # README: 鯊堃蛑遥ㄗ髡呦禈妨晔形 re-decoded from the next byte is 張因忠（作者系樂陵市委; seed 001 shows
    # the whole run, the user-defined pair kept as a private-use character and Ｎ folded to N.
    text = "撐。□張因忠（作者系樂陵市委常委、組"
    run = garble(text, 1, 15, random.Random(0), Damage(deleted_pua=0.0, phantom_reading=0.0))
    assert run == ("?!鯊堃蛑遥ㄗ髡呦禈妨晔形\ue1e8N?", 16)


def test_the_simulator_leaves_a_phantom_reading_and_deletes_user_defined_pairs() -> None:
    # 變+為: the lost lead byte of 為 formed 優 (yōu) with 變's trail byte (README).
    run = garble("藍圖變為現實,", 3, 2, random.Random(0), Damage(phantom_reading=1.0))
    assert run is not None and run[0].startswith("?yōu)")
    # 確保”，以抓鐵: the pair AC D2 (，'s trail, 以's lead) is in the user-defined area and goes; ！ is
    # folded to ASCII, and 鐵's trail byte 46 brings the decoder back in step as `F` (seed 000).
    quiet = Damage(deleted_pua=1.0, phantom_reading=0.0)
    deleted = garble("四個確保”，以抓鐵有", 3, 6, random.Random(0), quiet)
    assert deleted == ("?!保宰ヨF", 9)


def test_damage_applies_every_mechanism_and_changes_only_what_the_readme_lists() -> None:
    gold = PASSAGES[0] + "\n"
    raw = damage(gold, random.Random(3), Damage(ruby=0.5, comma=1.0, runs=2, boilerplate=1.0))
    assert "(" in raw and "?" in raw and raw.count("\n") == 3
    assert clean(raw).boilerplate  # the lines added around the text are moved out


# -- properties --------------------------------------------------------------------------------------------


@PROPERTY
@given(st.sampled_from(PASSAGES), st.integers(0, 2**32 - 1))
def test_a_damaged_gold_passage_is_restored_or_marked(passage: str, seed: int) -> None:
    gold = passage + "\n"
    raw = damage(gold, random.Random(seed), Damage(runs=2, boilerplate=0.5))
    assert_restored_or_marked(clean(raw).text, gold)


chinese = st.lists(
    st.one_of(st.sampled_from(COMMON_HAN), st.sampled_from(COMMON_HAN), st.sampled_from(PUNCTUATION)),
    min_size=8,
    max_size=120,
).map("".join)


# Issue 10 (open): CI's run of 2026-12-02 found a false repair. A run of one repeated character (一一一…) read
# one byte out of step is valid text as well (灰灰灰…, GBK D2BB D2BB → BBD2 BB…); the step repair then moved
# a correct run out of step instead of back. The example below fails every time and must pass before the
# mark comes off the property; until the cleaner tells the two readings apart, the property test, which
# found it and may draw it again, is marked as failing on that defect rather than left to fail at random.
FALSE_REPAIR = pytest.mark.xfail(
    reason="issue 10: a repeated-character run read out of step is valid text; the step repair can pick the "
    "wrong reading (。一一一… → 灰灰灰…)",
    strict=False,
)


@pytest.mark.xfail(
    reason="issue 10: the false repair of a repeated-character run, fixed when this passes", strict=True
)
def test_a_repeated_character_run_is_never_repaired_into_its_out_of_step_reading() -> None:
    gold = "。一一一一一一一一一一一\n"
    raw = damage(gold, random.Random(0), Damage(runs=2))
    assert_restored_or_marked(clean(raw).text, gold)


@FALSE_REPAIR
@PROPERTY
@given(chinese, st.integers(0, 2**32 - 1))
def test_damaged_random_chinese_text_is_restored_or_marked(text: str, seed: int) -> None:
    gold = text + "\n"
    raw = damage(gold, random.Random(seed), Damage(runs=2))
    assert_restored_or_marked(clean(raw).text, gold)


@PROPERTY
@given(st.sampled_from(PASSAGES), st.integers(0, 2**32 - 1))
def test_readings_and_commas_alone_come_back_exactly(passage: str, seed: int) -> None:
    # Without garbled runs nothing is lost: the output is the gold itself.
    gold = passage + "\n"
    raw = damage(gold, random.Random(seed), Damage(ruby=0.3, comma=0.5, runs=0, boilerplate=1.0))
    assert clean(raw).text == gold


# -- the held-out judge ------------------------------------------------------------------------------------


def test_pages_never_seen_are_cleaned_without_inventing_a_character() -> None:
    score, _ = judge.judge()
    assert score.chars > 100_000
    assert score.invented == 0
    assert score.accuracy > 0.99  # the losses stay a few characters per garbled run


@pytest.mark.xfail(
    strict=True,
    reason="99.77% (Traditional) and 99.57% (Simplified), 0 invented: at the seeds' damage density (one run "
    "per 600 characters) the characters left marked cost 0.2-0.4%: half of them keep one byte (a run's first "
    "and last, those beside a deleted pair) and the unigram word model's odds stay under 1000:1 among the "
    "few dozen characters that byte admits; a third have both bytes but a reading that splits them around a "
    "deleted private-use pair is not 1000 times less likely. A stronger model is needed, not a lower bar; "
    "see bench/cleaner.py",
)
def test_pages_never_seen_reach_the_accuracy_bar() -> None:
    score, _ = judge.judge()
    assert score.accuracy >= 0.998


def test_the_score_counts_marks_as_errors_and_wrong_characters_as_invented() -> None:
    score = Score()
    score.add("中\ufffd共產黨", "中國共產黨")
    score.add("中共產黨", "中國共產黨")
    score.add("中困共產黨", "中國共產黨")
    assert (score.chars, score.errors, score.lost, score.invented) == (15, 3, 1, 1)
