"""Finding English left on a page, an email or a PDF that should read in Spanish."""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"

# Words that occur in English sentences and never in Spanish ones. A customer's data (names,
# street names, device models) does not contain them; a sentence someone forgot to mark does.
_ENGLISH = """
the your you and with please this that which what when will from have has are were been should
must need needs can't don't isn't here there their they our about before after until request
requests visit fee payment sign signed next save
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())
# Text that is the same in both languages or is not prose (codes, units, our own name).
NOT_PROSE = re.compile(
    r"\b(MSA|GMA|APL|CSLB|ZIP|PDF|CSV|API|SHA-256|Stripe|Español|English|"
    r"[A-Z]{2,}[-_0-9A-Z]*|[\w.+-]+@[\w.-]+|https?://\S+)\b"
)


class _Text(HTMLParser):
    """Visible text and the attributes people read (labels for screen readers, placeholders)."""

    READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "aria-description"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


@cache
def translated_english() -> frozenset[str]:
    """English messages whose Spanish differs, without placeholders: seen as-is, they leaked."""
    found = set()
    for entry in polib.pofile(str(CATALOG)):
        if entry.msgid_plural or "%" in entry.msgid or entry.msgstr == entry.msgid:
            continue
        text = " ".join(entry.msgid.split())
        if len(text) > 3 and re.search(r"[a-z]{3}", text):
            found.add(text)
    return frozenset(found)


def english_leftovers(text_chunks: list[str], *, allow: tuple[str, ...] = ()) -> list[str]:
    """The chunks of a Spanish page, email or PDF that are still English."""
    leftovers = []
    catalog = translated_english()
    for chunk in text_chunks:
        for allowed in allow:
            chunk = chunk.replace(allowed, " ")
        words = set(re.findall(r"[a-z']+", NOT_PROSE.sub(" ", chunk).lower()))
        if chunk.strip() in catalog or words & ENGLISH_WORDS:
            leftovers.append(chunk.strip())
    return leftovers


def html_leftovers(html: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    return english_leftovers(visible_text(html), allow=allow)
