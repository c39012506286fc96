"""The words around a garbled run weigh its readings and settle its half-lost characters (cleaning.words)."""

from __future__ import annotations

from luoshi.text.clean import clean
from luoshi.text.cleaning import words


def test_a_character_whose_byte_survived_is_settled_when_one_candidate_dominates() -> None:
    # 貫徹熱潮: zé fits 熱 (phantom 責) and 俞 (phantom 赜); the words around make 熱 far the likelier.
    assert words.choose([*"宣传贯彻", frozenset("熱俞"), frozenset("潮朝")], [4]) == ("熱",)


def test_candidates_the_words_cannot_tell_apart_stay_unsettled() -> None:
    # 以上的 and 以下的 are both ordinary: neither holds a thousand times the other's probability.
    assert words.choose([*"以", frozenset("上下"), *"的"], [1]) is None
    # Two lost places side by side whose likeliest pair is not certain enough: none is chosen.
    assert words.choose([*"科技园", frozenset("新下"), frozenset("增在"), *"入驻"], [3, 4]) is None


def test_a_reading_that_forms_words_beats_one_that_does_not_and_not_the_other_way() -> None:
    assert words.beats("群众精", ["神", "文"], ["裎"], "化生活")
    assert not words.beats("群众精", ["裎"], ["神", "文"], "化生活")
    assert not words.beats("", ["神", "文"], ["裎"], "")  # no text around the run: no evidence


def test_a_character_with_no_surviving_byte_is_never_filled_from_its_context() -> None:
    # 凝心聚力 is in the dictionary, but both bytes of 力 were lost (`??`): it stays marked.
    assert clean("下凝心聚??、奋力拼搏的结果。\n").text == "下凝心聚\ufffd、奋力拼搏的结果。\n"


def test_traditional_text_is_read_through_its_simplified_form() -> None:
    assert words.likelihood([*"貫徹"]) == words.likelihood([*"贯彻"])
    assert words.likelihood([*"貫徹"]) > words.likelihood([*"徹貫"])
