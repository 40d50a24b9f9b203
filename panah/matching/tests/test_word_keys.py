"""word_keys: the keys of one canonical token, the same as the keys of the name it came from."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from panah.matching.names import name_tokens, phonetic_key, skeleton_key, word_keys
from panah.matching.synthetic import ARABIC, FAMILY, FEMALE, MALE


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(MALE + FEMALE + FAMILY + list(ARABIC.values())) | st.text())
def test_word_keys_equal_the_keys_of_a_single_token_name(name: str) -> None:
    for token in name_tokens(name):
        if name_tokens(token) == (token,):  # canonical tokens are (almost always) fixed points
            assert word_keys(token) == (phonetic_key(token), skeleton_key(token))


def test_word_keys_of_common_names() -> None:
    assert word_keys("muhamad") == ("mahamad", "mhmd")
    assert word_keys("abdulrahman") == (phonetic_key("Abdul Rahman"), skeleton_key("Abdul Rahman"))
