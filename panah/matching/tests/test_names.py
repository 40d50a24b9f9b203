"""Name keys: example tables of real variant spellings, and properties that must always hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from panah.matching.names import (
    clean,
    core_key,
    distinctive_key,
    fold_arabic,
    match_form,
    match_key,
    name_tokens,
    phonetic_key,
    skeleton_key,
    split_relation,
    transliterate,
)

# Spellings of one name that must share a match key (joined/split, honorifics, variants).
SAME_MATCH_KEY = [
    ("Abdul Rahman", "Abdulrahman", "Abdur Rahman", "Abdorrahman", "Abd-ul Rahman", "ABDUL RAHMAN"),
    ("Abdul Rahman", "Abd al-Rahman", "عبدالرحمن", "عبد الرحمن"),
    ("Abdul Karim", "AbdulKarim", "Abdur Karim", "Abdolkarim"),
    ("Abdul Razzaq", "Abdurrazzaq", "Abdurazzaq"),  # the r of Razzaq is not an article
    ("Ali", "Sayed Ali", "SyedAli", "SayedAli", "Saiyed Ali", "Sayyid Ali", "SaiydAli"),
    ("Mohammad", "Muhammad", "Mohd", "Mohamad", "MOHAMMAD", "Md", "محمد", "مُحَمَّد"),
    ("Gul", "Gull", "Ghul", "ګل", "گل"),
    ("Ahmadzai", "Ahmadzay", "Ahmad Zai", "احمدزی"),
    ("Yusuf", "Yousuf", "Yoosuf", "یوسف", "يوسف"),
    ("Qadir", "Kadir", "Qaadir"),
    ("Faizullah", "Faiz Ullah", "Faizulah", "Faizulla", "فیض الله", "فیض‌الله"),
    ("Juma", "Haji Juma", "HajiJuma", "Hajji Juma", "Jumma", "حاجی جمعه"),
    ("Nazia", "Mullah Nazia", "Mulla Nazia"),
    ("Fatima", "Fatimah", "Faatima", "فاطمه", "فاطمة"),
    ("Khadija", "Khadijah", "KHADEEJA", "Xadija", "خدیجه"),
    ("Wali Mohammad", "WaliMohammad", "Vali Muhammad", "ولي محمد", "ولی محمد"),
    ("Sardar Mohammad", "SardarMohd", "Sardar Muhamad"),
    ("Achakzai", "Achakzay", "Achakzaee", "اڅکزی"),
    ("Adamkhel", "Adam Khel", "Adamkhail"),
    ("Abdullah", "Abdulla", "Abdallah", "عبدالله"),
    ("Mustafa", "Moustafa", "Mostafa"),
    ("Farid", "Fareed", "Phareed"),
]

# Spellings that must share the phonetic key (vowel shape) although their match forms differ.
SAME_PHONETIC_KEY = [
    ("Mohammad", "Mohammed", "Mahammad", "Muhamed"),
    ("Abdul Rahman", "Abdul Rehman", "Abdur Rehman"),
    ("Hekmatullah", "Hikmatullah", "Hekmatulla"),
    ("Sayed Ali", "Syed Ali", "Ali"),  # the honorific goes; the name stays
    ("Ahmad", "Ahmed"),
]

# Cross-script pairs that must share the consonant skeleton.
SAME_SKELETON = [
    ("Mohammad", "محمد"),
    ("Hekmatullah", "حکمت‌الله"),
    ("Palwasha", "پلوشه"),
    ("Zarmina", "زرمینه"),
    ("Rahimullah", "رحیم الله"),
    ("Noor Ahmad", "نور احمد"),
    ("Karim", "کريم"),
    ("Abdul Karim", "عبد کریم"),
    ("Zahra", "زهرا"),
    ("Najibullah", "نجیب الله"),
]

# Different names that must stay apart at the phonetic level.
DIFFERENT_PHONETIC_KEY = [
    ("Mohammad", "Mahmood"),
    ("محمد", "محمود"),
    ("Abdul Rahman", "Abdul Rahim"),
    ("Hamid", "Ahmad"),
    ("Laila", "Malalai"),
    ("Nasrullah", "Najibullah"),
]


@pytest.mark.parametrize("spellings", SAME_MATCH_KEY, ids=lambda s: s[0])
def test_variant_spellings_share_the_match_key(spellings: tuple[str, ...]) -> None:
    keys = {name: match_key(name) for name in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize("spellings", SAME_PHONETIC_KEY, ids=lambda s: s[0])
def test_vowel_variants_share_the_phonetic_key(spellings: tuple[str, ...]) -> None:
    keys = {name: phonetic_key(name) for name in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(("latin", "arabic"), SAME_SKELETON)
def test_latin_and_arabic_script_share_the_skeleton(latin: str, arabic: str) -> None:
    assert skeleton_key(latin) == skeleton_key(arabic)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_PHONETIC_KEY)
def test_different_names_keep_different_phonetic_keys(one: str, other: str) -> None:
    assert phonetic_key(one) != phonetic_key(other)


def test_mohammad_is_a_name_not_an_honorific() -> None:
    assert match_form("Mohammad") == "muhamad"
    assert match_key("Mohammad Akbar") != match_key("Akbar")
    # ... but the weaker core key drops it, joined or not.
    assert core_key("Mohammad Akbar") == core_key("MohdAkbar") == core_key("Akbar")


def test_a_name_that_is_only_an_honorific_keeps_it() -> None:
    assert match_form("Haji") == "haji"
    assert match_form("حاجی") == "haji"


def test_name_parts_that_look_like_titles_are_kept() -> None:
    assert match_form("Juma Khan") == "juma khan"
    assert match_form("Hafizullah") == "hafizula"
    assert match_form("Agha Jan") == "aga jan"


def test_clean_removes_invisible_characters_tatweel_harakat_and_diacritics() -> None:
    assert clean("مــحَمَّد\u200b") == "محمد"
    assert clean("  Ḥusayn  al-Qāsim ") == "husayn al qasim"
    assert clean("Na'im") == "naim"
    assert clean("ＡＨＭＡＤ") == "ahmad"  # full-width letters


def test_fold_arabic_folds_keyboard_variants_but_keeps_pashto_letters() -> None:
    assert fold_arabic("علي") == fold_arabic("علی")
    assert fold_arabic("كريم") == fold_arabic("کریم")
    assert fold_arabic("گل") == fold_arabic("ګل")
    assert fold_arabic("ٹ ڈ ڑ") == fold_arabic("ټ ډ ړ")
    for pashto in ("ې", "ۍ", "ئ"):
        assert fold_arabic(pashto) == pashto


def test_transliterate_uses_the_table_then_letters() -> None:
    assert transliterate("محمد") == "mohammad"
    assert transliterate("پلوشه") == "palwasha"
    assert transliterate("Ahmad") == "ahmad"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mohd rehman s/o abdulghani", ("mohd rehman", "abdulghani")),
        ("Nazia D/O Gul Khan", ("Nazia", "Gul Khan")),
        ("Karim son of Rahim", ("Karim", "Rahim")),
        ("Karim bin Rahim", ("Karim", "Rahim")),
        ("کریم ولد رحیم", ("کریم", "رحیم")),
        ("Abdul Karim", ("Abdul Karim", "")),
    ],
)
def test_split_relation_separates_the_fathers_name(text: str, expected: tuple[str, str]) -> None:
    assert split_relation(text) == expected


# --- properties ---------------------------------------------------------------------------------

ARABIC_LETTERS = "ابپتټثجچحخځڅدډذرړزژږسشښصضطظعغفقکګلمنڼوهیېۍئيكةۀہھےٹڈڑگآأإ"
LATIN_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz '-", min_size=1, max_size=30)
ARABIC_NAMES = st.text(alphabet=ARABIC_LETTERS + " \u200c", min_size=1, max_size=20)
ANY_TEXT = st.text(max_size=40)
FUNCTIONS = (clean, fold_arabic, transliterate, match_form, phonetic_key, skeleton_key, core_key)


@settings(max_examples=300)
@given(ANY_TEXT)
def test_no_function_crashes_on_any_text(text: str) -> None:
    for function in FUNCTIONS:
        assert isinstance(function(text), str)
    assert isinstance(split_relation(text), tuple)


@settings(max_examples=300)
@given(st.one_of(ANY_TEXT, LATIN_NAMES, ARABIC_NAMES))
def test_clean_fold_and_match_form_are_idempotent(text: str) -> None:
    assert clean(clean(text)) == clean(text)
    assert fold_arabic(fold_arabic(text)) == fold_arabic(text)
    assert match_form(match_form(text)) == match_form(text)


@settings(max_examples=300)
@given(st.one_of(LATIN_NAMES, ARABIC_NAMES))
def test_keys_are_stable_through_the_match_form(text: str) -> None:
    form = match_form(text)
    assert phonetic_key(form) == phonetic_key(text)
    assert skeleton_key(form) == skeleton_key(text)


@settings(max_examples=300)
@given(st.one_of(ANY_TEXT, LATIN_NAMES, ARABIC_NAMES))
def test_keys_never_empty_a_name_that_has_a_letter(text: str) -> None:
    if any(ch.isalnum() for ch in clean(text)):
        assert name_tokens(text)
        assert match_form(text)
        assert phonetic_key(text)
        assert skeleton_key(text)
        assert core_key(text)


@settings(max_examples=200)
@given(LATIN_NAMES)
def test_latin_keys_ignore_case_and_spacing(text: str) -> None:
    assert match_form(text.upper()) == match_form(text)
    assert match_form(f"  {text}  ") == match_form(text)


VARIANTS = str.maketrans({"ی": "ي", "ک": "ك", "ګ": "گ", "ه": "ة"})


@settings(max_examples=300)
@given(ARABIC_NAMES, st.sampled_from(["\u064e", "\u0650", "\u0651", "\u0640", "\u200b", ""]))
def test_arabic_keys_ignore_keyboard_variants_and_marks(text: str, mark: str) -> None:
    variant = text.translate(VARIANTS)
    marked = mark.join(text)
    for function in (fold_arabic, match_key, phonetic_key, skeleton_key):
        assert function(variant) == function(text)
        assert function(marked) == function(text)


ATTRIBUTES = st.sampled_from(
    ["rahman", "rahim", "karim", "ghani", "hakim", "jabbar", "manan", "aziz", "wahid", "qadir"]
)
ABD_FORMS = st.sampled_from(
    ["abdul {}", "abdul{}", "abd ul {}", "abd-ul-{}", "abdel {}", "abdol {}"]
)


@given(ATTRIBUTES, ABD_FORMS, ABD_FORMS)
def test_abdul_compounds_are_one_name_however_written(attr: str, one: str, other: str) -> None:
    assert match_key(one.format(attr)) == match_key(other.format(attr))
    assert len(name_tokens(one.format(attr))) == 1


@given(
    st.sampled_from(["faiz", "najib", "rahim", "hekmat", "nasr", "habib"]),
    st.sampled_from(["{}ullah", "{} ullah", "{}ulla", "{} allah", "{}ollah", "{}-ullah"]),
    st.sampled_from(["{}ullah", "{} ullah", "{}ulla", "{} allah", "{}ollah", "{}-ullah"]),
)
def test_ullah_compounds_are_one_name_however_written(stem: str, one: str, other: str) -> None:
    assert match_key(one.format(stem)) == match_key(other.format(stem))


def test_abdur_before_a_consonant_is_the_article() -> None:
    # Clerks write the assimilated "Abdur" before any letter: AbdurKarim is Abdul Karim.
    assert match_key("AbdurKerim") == match_key("Abdul Kerim")


def test_distinctive_key_drops_mohammad_and_abdul() -> None:
    assert distinctive_key("Mohammad Zaman") == distinctive_key("MohdZaman") == "zaman"
    assert distinctive_key("Abdul Rahman") == distinctive_key("Abdur Rahman") == "rahman"
    assert distinctive_key("Gul Mohammad") == "gul"
    # Nothing else left: the whole name stays.
    assert distinctive_key("Mohammad") == match_key("Mohammad")
    assert distinctive_key("Abdullah") == match_key("Abdullah")
