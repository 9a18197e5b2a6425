"""No words in a customer's or contractor's page or email are outside {% translate %}.

makemessages collects only marked text, so an unmarked sentence would stay English in Spanish
and no catalog test would notice. Staff-only templates (admin, route sheet, work order) are
English by design.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STAFF_ONLY = ("admin/", "payments/admin/", "scheduling/route_sheet", "scheduling/work_order_pdf")
# allauth's building blocks hold markup only, assembled from tags an HTML parser cannot follow.
MARKUP_ONLY = ("allauth/elements/",)
# Blocks whose content is not prose: CSS classes.
NOT_PROSE_BLOCKS = {"content_class"}
# Text that is the same in every language.
SAME_IN_EVERY_LANGUAGE = {"CA"}
READ_ATTRIBUTES = {"placeholder", "aria-label", "alt", "title", "aria-description"}


def customer_templates() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]
        if not str(path.relative_to(TEMPLATES)).startswith(STAFF_ONLY + MARKUP_ONLY)
    )


def without_marked_text(source: str) -> str:
    """The template with translated text, variables and tags taken out (HTML left)."""
    out, skipping = [], []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name, *args = token.contents.split() or [""]
            if name in ("blocktranslate", "blocktrans", "comment") or (
                name == "block" and args and args[0] in NOT_PROSE_BLOCKS
            ):
                skipping.append(name)
            elif (skipping and name in ("endblocktranslate", "endblocktrans", "endcomment")) or (
                skipping and skipping[-1] == "block" and name == "endblock"
            ):
                skipping.pop()
            out.append(" ")
        elif not skipping and token.token_type == TokenType.TEXT:
            out.append(token.contents)
        else:
            out.append(" ")
    return "".join(out)


class _Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag, attrs):
        self._raw += tag in ("style", "script")
        self.words += [v for k, v in attrs if k in READ_ATTRIBUTES and v and v.strip()]

    def handle_endtag(self, tag):
        self._raw -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._raw and data.strip():
            self.words.append(data.strip())


def unmarked_text(source: str) -> list[str]:
    parser = _Words()
    parser.feed(without_marked_text(source))
    return [
        text
        for text in parser.words
        if re.search(r"[A-Za-z]{2}", text) and text not in SAME_IN_EVERY_LANGUAGE
    ]


@pytest.mark.parametrize("name", customer_templates())
def test_every_word_is_marked_for_translation(name):
    assert unmarked_text((TEMPLATES / name).read_text()) == []


def test_the_check_finds_an_unmarked_sentence():
    source = (
        '{% load i18n %}<p>{% translate "Fine" %}</p><p>Forgotten words</p><a title="Tip">x</a>'
    )
    assert unmarked_text(source) == ["Forgotten words", "Tip"]
