"""Inside `remembering` a read is made once per key; outside, and after it, every time."""

import pytest

from luoshi.core.memo import remembered, remembering


class Reader:
    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> list[int]:
        self.reads += 1
        return [self.reads]


def test_outside_every_read_is_made():
    read = Reader()
    assert remembered("key", read) == [1] and remembered("key", read) == [2]


def test_inside_each_key_is_read_once_and_each_caller_gets_its_own_list():
    read, other = Reader(), Reader()
    with remembering():
        first = remembered("key", read)
        first.append(99)  # a caller's list is its own: the next caller gets what was read
        assert remembered("key", read) == [1]
        assert remembered("other", other) == [1]
        with remembering():  # an inner block keeps the outer one's reads
            assert remembered("key", read) == [1]
    assert read.reads == 1 and other.reads == 1
    assert remembered("key", read) == [2]  # forgotten when the block ends


def test_a_failed_block_forgets_too():
    read = Reader()
    with pytest.raises(ValueError), remembering():
        remembered("key", read)
        raise ValueError
    assert remembered("key", read) == [2]
