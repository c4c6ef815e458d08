"""Voicemail: an uploaded recording is transcribed into a conversation for a person.

    upload → stored as received (committed) → its fields checked → decoded → transcribed
           → conversation → the recording marked ``taken`` with its conversation and message

The recording is stored before anything else happens to it, so an agent calling back can listen
to what was said. An upload whose fields are wrong (a caller that is no phone number, a language
the service does not speak) is kept as ``rejected`` and one that cannot be read as
``unreadable``, each with why, while the uploader is told so with the recording's id. The
caller is not on the line, so the bot does not answer; the message is understood and routed
like any other (``NO_AUTOMATIC_ANSWER``), and lands in the right queue for a call back.

Of a long recording, as many seconds are transcribed as the largest WAV upload holds
(``VoiceChannel.voicemail_seconds``, ten minutes by default): the rest stays in the recording,
and the message's ``voicemail.transcribed_seconds`` says so.

Taking a stored recording can be done again (a starting server takes those a stopped one left
``received``, see ``recovery``): its conversation is found by the recording's id and its
message is sent once under it.
"""

from __future__ import annotations

import io
import logging
import re
import wave
from collections.abc import Sequence
from typing import Any

import numpy as np

from samen.channels.identity import normalise_phone
from samen.channels.voice.adapter import VoiceChannel
from samen.channels.voice.audio import has_sound, ulaw_decode
from samen.channels.voice.decoding import ULAW_SUFFIXES, Decoded, decode
from samen.channels.voice.ports import Recording
from samen.conversations.handler import NO_AUTOMATIC_ANSWER
from samen.conversations.models import Conversation, Identity
from samen.conversations.service import MAX_MESSAGE_CHARS, without_controls
from samen.errors import BadRequest, InvalidRequest, MissingDependency

log = logging.getLogger(__name__)

UNHEARD = {"nl": "[Voicemail zonder verstaanbare tekst]", "en": "[Voicemail without audible words]"}
LANGUAGES = ("nl", "en")  # what the speech-to-text is prompted for and unheard ones are told in
MAX_CALLER_CHARS = 40
REFERENCE = "voicemail"  # the conversation's reference kind; its value is the recording's id
# What a caller field holds: a number as people and exchanges write it, or a withheld one.
_PHONE = re.compile(r"(tel:)?[+0-9 ().\-/]*[0-9][0-9 ().\-/]*", re.IGNORECASE)
_WITHHELD = {"anonymous", "withheld", "private", "restricted", "unknown", "unavailable"}

Problem = dict[str, str]


async def take_voicemail(
    channel: VoiceChannel,
    audio: bytes,
    filename: str,
    fields: Sequence[tuple[str, str]],
    content_type: str = "",
    problems: Sequence[Problem] = (),
) -> tuple[Conversation, str]:
    """Store the upload, then take it (``take``): its conversation and the words heard.

    ``fields`` are the upload's other form fields as they came; ``problems`` any the uploader
    found with the upload itself. The recording is stored whatever they hold."""
    given = dict(fields)
    recording = Recording.received(
        audio,
        filename,
        content_type or "application/octet-stream",
        channel.calls.conversations.clock.now(),
        caller=given.get("from", ""),
        language=given.get("language", ""),
        fields=list(fields),
    )
    await channel.voicemails.add(recording)  # errors here reach the caller, who can send again
    return await take(channel, recording, problems)


async def take(
    channel: VoiceChannel, recording: Recording, problems: Sequence[Problem] = ()
) -> tuple[Conversation, str]:
    """Take a stored recording into a conversation for a call back; returns it and the words
    heard ("" if none). One in which nothing could be heard is taken all the same, saying why.
    One whose fields are wrong is kept as ``rejected`` and refused with an ``InvalidRequest``,
    one that cannot be read at all as ``unreadable`` with a ``BadRequest``; both name it."""
    caller, language, wrong = read_fields(recording.fields, channel.default_language)
    if problems or wrong:
        refusal = InvalidRequest([*problems, *wrong], voicemail=recording.id)
        recording.status = "rejected"
        recording.error = "; ".join(
            f"{p['field']}: {p['problem']}" for p in refusal.fields["problems"]
        )
        await channel.voicemails.update(recording)
        raise refusal
    recording.caller, recording.language = caller, language
    try:
        decoded = await decode(recording.audio, recording.filename, channel.voicemail_seconds)
    except BadRequest as exc:
        recording.status, recording.error = "unreadable", exc.message
        await channel.voicemails.update(recording)
        # The caller learns the recording was kept all the same, and under which id.
        raise BadRequest(exc.code, exc.message, **exc.fields, voicemail=recording.id) from exc
    try:
        conversation, heard = await _into_conversation(channel, recording, decoded)
    except Exception as exc:  # stays "received", with why: the recording itself is safe
        recording.error = f"{type(exc).__name__}: {exc}"
        await channel.voicemails.update(recording)
        raise
    await channel.voicemails.update(recording)
    return conversation, heard


def read_fields(
    fields: Sequence[tuple[str, str]], default_language: str
) -> tuple[str, str, list[Problem]]:
    """The caller and language an upload's fields give, and what is wrong with them. A name
    sent twice counts with its last value, as form parsers read it; an empty one as not sent."""
    given = {name: value.strip() for name, value in fields}
    caller = given.get("from", "")
    if default_language not in LANGUAGES:
        default_language = LANGUAGES[0]
    # A locale (nl-NL, en_GB) names its language first.
    language = re.split(r"[-_]", given.get("language", "").lower())[0] or default_language
    problems: list[Problem] = []
    if len(caller) > MAX_CALLER_CHARS:
        problems.append({"field": "from", "problem": f"longer than {MAX_CALLER_CHARS} characters"})
    elif caller and not _PHONE.fullmatch(caller) and caller.lower() not in _WITHHELD:
        problems.append(
            {
                "field": "from",
                "problem": "not a phone number (digits, spaces and + ( ) - . / only); "
                "leave it out when the number is withheld",
            }
        )
    if language not in LANGUAGES:
        problems.append({"field": "language", "problem": f"must be one of {', '.join(LANGUAGES)}"})
    return caller, language, problems


async def _into_conversation(
    channel: VoiceChannel, recording: Recording, decoded: Decoded
) -> tuple[Conversation, str]:
    caller, language = recording.caller, recording.language
    heard, unheard = await _words(channel, decoded.samples, language)
    phone = normalise_phone(caller) if caller else None
    conversations = channel.calls.conversations
    # A recording taken before, by a process that stopped before it could say so, has its
    # conversation already (and maybe its message: sent again under the same client_id, the
    # service answers with the one stored).
    async with conversations.store.reading() as tx:
        conversation = await tx.find_conversation_by_reference(REFERENCE, recording.id)
    if conversation is None:
        conversation, _, _ = await conversations.start(
            "voice",
            [Identity("phone", phone)] if phone else [],
            locale=language,
            references=[(REFERENCE, recording.id)],
            greet=False,
        )
    seconds = decoded.seconds
    about: dict[str, Any] = {
        "seconds": round(seconds, 1) if seconds is not None else None,  # None: longer, unknown
        "caller": phone or caller,
        "recording": recording.id,  # the audio, for an agent to listen to
    }
    if unheard:
        about["unheard"] = unheard
    if decoded.cut:  # the rest is in the recording, for a person to listen to
        about["transcribed_seconds"] = round(decoded.decoded_seconds, 1)
    if len(heard) > MAX_MESSAGE_CHARS:  # a long message is read up to the limit, kept whole here
        about["transcript"] = heard
    result = await conversations.receive(
        conversation.id,
        heard[:MAX_MESSAGE_CHARS] or UNHEARD.get(language, UNHEARD["nl"]),
        client_id=f"{REFERENCE}:{recording.id}",
        metadata={
            NO_AUTOMATIC_ANSWER: ["A voicemail: the caller is not on the line."],
            "voicemail": about,
        },
    )
    recording.status, recording.error = "taken", None
    recording.conversation_id, recording.message_id = result.conversation.id, result.message.id
    return result.conversation, heard


async def _words(channel: VoiceChannel, samples: np.ndarray, language: str) -> tuple[str, str]:
    """The words in the recording, or "" and why none were heard."""
    if not has_sound(samples):
        return "", "Nothing louder than line noise in the recording."
    if channel.transcriber is None:
        return "", "No speech-to-text on this server."
    try:
        async with channel.transcribing_voicemail:
            transcript = await channel.transcriber.transcribe(samples, language)
    except MissingDependency as exc:  # the voice extra is not installed; the recording counts
        log.warning("voicemail not transcribed: %s", exc.message)
        return "", exc.message
    except Exception:  # the recording is stored: a person listens to it instead
        log.exception("voicemail not transcribed")
        return "", "The speech-to-text failed on this recording."
    heard = without_controls(transcript.text).strip()
    return heard, "" if heard else "The speech-to-text heard no words."


_AUDIO_TYPE = re.compile(r"audio/[a-z0-9.+-]{1,60}")


def playable(recording: Recording) -> tuple[bytes, str]:
    """The recording as a browser can play it, and a content type safe to serve: raw μ-law
    becomes a 16-bit WAV; a claimed type is only believed if it is an audio type (the uploader
    chose it, and an agent's browser opens it on Samen's own origin)."""
    audio, claimed = recording.audio, recording.content_type.split(";")[0].strip().lower()
    if audio[:4] == b"RIFF":
        return audio, "audio/wav"
    if recording.filename.lower().endswith(ULAW_SUFFIXES):
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(8000)
            wav.writeframes(ulaw_decode(audio).astype("<i2").tobytes())
        return out.getvalue(), "audio/wav"
    if _AUDIO_TYPE.fullmatch(claimed):
        return audio, claimed
    return audio, "application/octet-stream"
