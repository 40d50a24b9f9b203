"""Operators' quick replies: short canned answers in the four languages of the refugee line.

Data, not code: one entry per reply, its button label (in the operator's language) and its
text in every language the line speaks. Each text, with the helpline number put in, fits two
SMS segments (`core.sms.sms_segments`; the tests check every one), because a reply to an SMS
conversation goes out by SMS. Nothing personal goes into a quick reply (SECURITY.md MS-1).

The Urdu, Pashto and Dari texts were written with machine help and must be reviewed by native
speakers before the line goes live, as the self-service line's are (docs/selfservice.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "ur", "ps", "fa")
RTL_LANGUAGES = frozenset({"ur", "ps", "fa"})
HELPLINE = "{helpline}"
# Unicode isolates keep "+92 51 1234567" in reading order inside a right-to-left sentence
# (without them the digit groups come out reversed: "1234567 51 92+").
_LTR_ISOLATE, _POP_ISOLATE = "\u2066", "\u2069"


@dataclass(frozen=True)
class QuickReply:
    key: str
    label: Promise  # the operator's button, in the operator's language
    texts: dict[str, str]  # language → text; may hold HELPLINE

    @property
    def needs_helpline(self) -> bool:
        return any(HELPLINE in text for text in self.texts.values())


QUICK_REPLIES: tuple[QuickReply, ...] = (
    QuickReply(
        key="greeting",
        label=_("Greeting"),
        texts={
            "en": "Assalam-o-alaikum. This is Panah. We are reading your message and will "
            "answer you here.",
            "ur": "السلام علیکم۔ یہ پناہ ہے۔ ہم آپ کا پیغام پڑھ رہے ہیں اور یہیں جواب دیں گے۔",
            "ps": "السلام علیکم. دا پناه ده. ستاسو پیغام لولو او همدلته به ځواب درکړو.",
            "fa": "سلام علیکم. اینجا پناه است. پیام شما را می‌خوانیم و همین‌جا جواب می‌دهیم.",
        },
    ),
    QuickReply(
        key="calling_back",
        label=_("We are calling you back"),
        texts={
            "en": "We will call you back on this number soon. Please keep your phone on.",
            "ur": "ہم جلد اسی نمبر پر آپ کو کال کریں گے۔ براہ کرم اپنا فون آن رکھیں۔",
            "ps": "ژر به تاسو ته په همدې شمېره زنګ ووهو. مهرباني وکړئ خپل ټیلیفون روښانه وساتئ.",
            "fa": "به زودی به همین شماره به شما زنگ می‌زنیم. لطفاً تلفون خود را روشن نگه دارید.",
        },
    ),
    QuickReply(
        key="police_station",
        label=_("Ask for the police station"),
        texts={
            "en": "Please send the name of the police station where the person is held, "
            "and the city or district.",
            "ur": "براہ کرم اس تھانے کا نام بھیجیں جہاں وہ شخص ہے، اور شہر یا ضلع بھی۔",
            "ps": "مهرباني وکړئ د هغې تهانې نوم راولېږئ چې کس پکې ساتل شوی، او ښار یا ضلع هم.",
            "fa": "لطفاً نام تهانه‌ای که شخص در آن نگه داشته شده و شهر یا ضلع را بفرستید.",
        },
    ),
    QuickReply(
        key="fir_number",
        label=_("Ask for the FIR number"),
        texts={
            "en": "If the police registered an FIR, please send its number and the name of "
            "the police station.",
            "ur": "اگر پولیس نے ایف آئی آر درج کی ہے تو براہ کرم اس کا نمبر "
            "اور تھانے کا نام بھیجیں۔",
            "ps": "که پولیسو FIR ثبت کړې وي، مهرباني وکړئ د هغې شمېره او د تهانې نوم راولېږئ.",
            "fa": "اگر پولیس FIR ثبت کرده است، لطفاً شماره آن و نام تهانه را بفرستید.",
        },
    ),
    QuickReply(
        key="helpline",
        label=_("Helpline number"),
        texts={
            "en": f"You can also call the Panah helpline:\n{HELPLINE}",
            "ur": f"آپ پناہ ہیلپ لائن پر بھی کال کر سکتے ہیں:\n{HELPLINE}",
            "ps": f"تاسو د پناه مرستې شمېرې ته هم زنګ وهلای شئ:\n{HELPLINE}",
            "fa": f"می‌توانید به خط کمک پناه هم زنگ بزنید:\n{HELPLINE}",
        },
    ),
)

_BY_KEY = {reply.key: reply for reply in QUICK_REPLIES}


def quick_reply_language(language: str | None) -> str:
    """Return a language quick replies exist in: the one asked for, else the site's default."""
    if language in LANGUAGES:
        return language  # type: ignore[return-value]
    return settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in LANGUAGES else "en"


def quick_reply_text(key: str, language: str) -> str | None:
    """Return a quick reply's text in a language, the helpline number put in; None for an
    unknown key, or for the helpline reply while no helpline number is configured."""
    reply = _BY_KEY.get(key)
    if reply is None:
        return None
    language = quick_reply_language(language)
    text = reply.texts[language]
    if reply.needs_helpline:
        number = (settings.PANAH_HELPLINE_NUMBER or "").strip()
        if not number:
            return None
        if language in RTL_LANGUAGES:
            number = f"{_LTR_ISOLATE}{number}{_POP_ISOLATE}"
        text = text.replace(HELPLINE, number)
    return text


def quick_replies_for(language: str) -> list[tuple[QuickReply, str]]:
    """Return the quick replies offered in a language, each with its text."""
    offered = []
    for reply in QUICK_REPLIES:
        text = quick_reply_text(reply.key, language)
        if text is not None:
            offered.append((reply, text))
    return offered
