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


def test_the_words_a_page_repeats_settle_what_the_dictionary_alone_leaves_open() -> None:
    stretch = [*"以", frozenset("上下"), *"的"]
    assert words.choose(stretch, [1]) is None
    page = words.PageWords("以下的内容。以下的要求。")
    assert words.choose(stretch, [1], page) == ("下",)
    # A run of characters the page holds only once is no word of the page.
    assert words.choose(stretch, [1], words.PageWords("以下的内容。")) is None


def test_two_candidates_spelt_alike_in_simplified_are_never_told_apart() -> None:
    # 結 and 结 are one word to the dictionary: which one the page wrote is not in the words.
    assert words.choose([*"團", frozenset("結结"), *"奮進"], [1]) is None


def test_each_candidate_is_weighed_as_if_the_stretch_were_read_whole() -> None:
    candidates = frozenset("些休信修兄兴写凶新，！")
    page = words.PageWords("构建新发展格局，构建新发展格局")
    for stretch in (
        [*"构建", candidates, *"发展格局"],
        [candidates, *"发展"],
        [*"聚", None, candidates, "，"],
    ):
        at = stretch.index(candidates)
        for source in (None, page):
            total, each = words._scores(tuple(stretch), at, source)
            assert abs(total - words.likelihood(stretch, source)) < 1e-9
            for char in candidates:
                alone = words.likelihood([*stretch[:at], char, *stretch[at + 1 :]], source)
                assert abs(each[char] - alone) < 1e-9
