"""Text that is stored once and read in many languages."""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Message:
    """Words kept as their English text and parameters, translated when someone reads them.

    What is stored (an eligibility result, a timeline note) is read later in the reader's
    language, not in the language of whoever wrote it, often a Celery worker. Write
    ``Message(gettext_noop("... %(amps)s A ...")) % {"amps": 200}`` so makemessages collects the
    text; ``%`` keeps the parameters apart. Parameters are plain values, other messages, or a
    ``MessageList``.
    """

    text: str
    params: dict = field(default_factory=dict)

    def __mod__(self, params: dict) -> "Message":
        return Message(self.text, dict(params))

    def __str__(self) -> str:
        translated = gettext(self.text)
        if not self.params:
            return translated
        return translated % {name: _render(value) for name, value in self.params.items()}

    def as_data(self) -> dict:
        return {"text": self.text, "params": {k: _as_data(v) for k, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: dict) -> "Message":
        return cls(data["text"], {k: _from_data(v) for k, v in data.get("params", {}).items()})


@dataclass(frozen=True)
class MessageList:
    """Several messages read as one parameter, joined by a (translated) separator."""

    items: tuple
    separator: Message

    def __str__(self) -> str:
        return str(self.separator).join(str(item) for item in self.items)


def _render(value) -> str | int:
    return value if isinstance(value, int | float) else str(value)


def _as_data(value):
    if isinstance(value, Message):
        return {"message": value.as_data()}
    if isinstance(value, MessageList):
        return {
            "items": [_as_data(item) for item in value.items],
            "separator": value.separator.as_data(),
        }
    return value


def _from_data(value):
    if isinstance(value, dict) and "message" in value:
        return Message.from_data(value["message"])
    if isinstance(value, dict) and "items" in value:
        return MessageList(
            items=tuple(_from_data(item) for item in value["items"]),
            separator=Message.from_data(value["separator"]),
        )
    return value


def english(value) -> str:
    """The English reading of a message (what staff and the logs see)."""
    with translation.override("en"):
        return str(value)


def label_message(label) -> Message:
    """A choice's label (a lazy translation) as a message read in the reader's language."""
    return Message(english(label))
