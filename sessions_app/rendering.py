"""What the admin shows of a chat session: its transcript and its key/value data, ready to lay out.

The templates only place what these functions return. Every value here is plain text, escaped by
the templates; each message's content is read by ``content.read_content`` (links only to http(s)
URLs, anything unreadable shown generically), the same reader the stored plain text comes from.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from privacy.masking import mask_free_text

from .content import Content, as_text, content_plain_text, read_content
from .models import ChatMessage

SPEAKERS = {
    ChatMessage.SenderType.USER: "Customer",
    # One name for the bot, on chats and calls alike (``calls_app.rendering.BOT``).
    ChatMessage.SenderType.ROBOT: "Bot",
    ChatMessage.SenderType.CHATBOT: "Bot",
    ChatMessage.SenderType.AGENT: "Agent",
    ChatMessage.SenderType.SYSTEM: "System",
}


QUOTE_LENGTH = 80  # a reply recalls what it answers in one short line, not the whole message


@dataclass(frozen=True)
class Quote:
    speaker: str
    content: Content
    anchor: str | None = None
    text: str = ""  # one line, shortened with an ellipsis


def quote_text(content: Any, limit: int = QUOTE_LENGTH) -> str:
    """The quoted message as one line of at most ``limit`` characters."""
    line = " ".join(content_plain_text(content).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


@dataclass(frozen=True)
class TranscriptEntry:
    position: int
    anchor: str
    side: str
    css_class: str
    speaker: str
    sent_at: datetime | None
    status: str
    content: Content
    quote: Quote | None = None


def speaker(sender_type: str) -> str:
    return SPEAKERS.get(sender_type, sender_type.capitalize() if sender_type else "Unknown sender")


def _anchor(position: int) -> str:
    return f"message-{position}"


def transcript(
    messages: Iterable[ChatMessage], *, reveal: bool = False, names: Iterable[str] = ()
) -> list[TranscriptEntry]:
    """The messages in time order (``sent_at``, then payload order), each with who speaks, its
    content, and what it quotes; a message without a time stays after the one before it.

    Unless ``reveal`` (the viewer may see them), customer details are masked: contacts shared,
    and numbers and the customer's ``names`` in any text (``privacy.masking.mask_free_text``),
    in the messages and the replies quoting them. Masked by default, the safe side.
    """
    names = tuple(names)
    shown = (lambda content: content) if reveal else (lambda c: mask_free_text(c, names))
    messages = _in_time_order(messages)
    positions = {message.pk: message.position for message in messages}
    entries = []
    for message in messages:
        quote = None
        if isinstance(message.reply, dict):
            target = positions.get(message.reply_to_id)
            quoted = shown(message.reply.get("content"))
            quote = Quote(
                speaker=speaker(as_text(message.reply.get("sender_type"))),
                content=read_content(quoted),
                anchor=_anchor(target) if target is not None else None,
                text=quote_text(quoted),
            )
        known = message.sender_type in SPEAKERS
        entries.append(
            TranscriptEntry(
                position=message.position,
                anchor=_anchor(message.position),
                side=message.side,
                css_class=f"chat-{message.sender_type}" if known else "chat-other",
                speaker=speaker(message.sender_type),
                sent_at=message.sent_at,
                status=message.status,
                content=read_content(shown(message.content)),
                quote=quote,
            )
        )
    return entries


def _in_time_order(messages: Iterable[ChatMessage]) -> list[ChatMessage]:
    by_position = sorted(messages, key=lambda message: message.position)
    keys, last = [], None
    for message in by_position:
        last = message.sent_at or last
        keys.append((last is not None, last.timestamp() if last else 0.0, message.position))
    order = sorted(range(len(by_position)), key=lambda index: keys[index])
    return [by_position[index] for index in order]


def key_values(mapping: Any) -> list[tuple[str, str]]:
    """Rows of a key/value table; nested values are shown as compact JSON."""
    if not isinstance(mapping, dict):
        return [] if mapping in (None, "") else [("", as_text(mapping))]
    return [(as_text(key), as_text(value)) for key, value in mapping.items()]
