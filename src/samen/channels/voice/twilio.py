"""Twilio's voice webhook: form posts in, TwiML out.

Point a Twilio number's "A call comes in" webhook at ``POST /api/v1/channels/voice/twilio``
(``?lang=en`` for an English line). Every answer ends in a ``<Gather>`` whose ``action`` comes
back here with the call's small state in its query string, a ``<Dial>`` to a department, or a
``<Hangup>``. With ``SAMEN_TWILIO_AUTH_TOKEN`` set, unsigned requests are refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from samen.channels.voice.adapter import VoiceChannel
from samen.channels.voice.calls import CallState, CallStep
from samen.channels.voice.signature import valid
from samen.channels.voice.twiml import LANGUAGES, TwiML
from samen.errors import BadRequest, Forbidden, NotFound

router = APIRouter(prefix="/api/v1/channels/voice", tags=["voice"])

_ENDED = {"completed", "busy", "failed", "no-answer", "canceled"}
_HINTS = {
    "nl": "medewerker, bestelling, bestelnummer, storing, factuur, verhuizen, openingstijden",
    "en": "agent, order, order number, outage, invoice, moving, opening hours",
}


def voice_channel(request: Request) -> VoiceChannel:
    channel: VoiceChannel | None = request.app.state.container.extras.get("voice")
    if channel is None:
        raise NotFound("voice_disabled", "The voice channel is not enabled on this server.")
    return channel


def public_url(request: Request, channel: VoiceChannel) -> str:
    """The URL as the caller's provider sees it (behind a proxy: ``SAMEN_PUBLIC_URL``)."""
    if not channel.public_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{channel.public_url.rstrip('/')}{request.url.path}{query}"


@router.post(
    "/twilio",
    summary="Twilio voice webhook (TwiML)",
    response_class=Response,
    responses={200: {"description": "TwiML", "content": {"application/xml": {}}}},
)
async def twilio_webhook(request: Request) -> Response:
    channel = voice_channel(request)
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    if channel.auth_token and not valid(
        channel.auth_token,
        public_url(request, channel),
        params,
        request.headers.get("X-Twilio-Signature"),
    ):
        raise Forbidden("invalid_signature", "The request is not signed by Twilio.")
    call_sid = params.get("CallSid", "")
    if not call_sid:
        raise BadRequest("missing_call_sid", "A Twilio voice webhook carries a CallSid.")
    state = _state(request, channel)
    if params.get("CallStatus") in _ENDED:
        await channel.calls.ended(call_sid)
        return _xml(TwiML())
    if "turn" not in request.query_params:
        step = await channel.calls.start(call_sid, params.get("From", ""), state)
    else:
        extra: dict[str, Any] = {"call_sid": call_sid}
        if params.get("Confidence"):
            extra["speech_confidence"] = params["Confidence"]
        step = await channel.calls.hear(
            call_sid,
            state,
            speech=params.get("SpeechResult"),
            digits=params.get("Digits"),
            metadata=extra,
        )
    return _xml(render(step, request.url.path))


def render(step: CallStep, path: str) -> TwiML:
    doc = TwiML()
    language = LANGUAGES.get(step.state.language, "nl-NL")
    if step.action == "listen":
        query = {
            "lang": step.state.language,
            "misses": step.state.misses,
            "slow": int(step.state.slow),
            "turn": step.state.turn,
        }
        gather = doc.gather(
            f"{path}?{urlencode(query)}", language, _HINTS.get(step.state.language, "")
        )
        _speak(doc, step, language, gather)
        return doc
    _speak(doc, step, language, None)
    if step.action == "dial" and step.dial:
        doc.dial(step.dial)
    else:
        doc.hangup()
    return doc


def _speak(doc: TwiML, step: CallStep, language: str, parent: Any) -> None:
    for sentence in step.say:
        doc.say(sentence, language, parent=parent)
        if step.state.slow:
            doc.pause(1, parent=parent)


def _state(request: Request, channel: VoiceChannel) -> CallState:
    query = request.query_params
    language = query.get("lang") or channel.default_language
    if language not in LANGUAGES:
        language = channel.default_language

    def number(name: str) -> int:
        # Only a few ASCII digits: "²" is a digit to isdigit() and 5000 digits are one to int().
        value = query.get(name, "0")
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else 0

    return CallState(language, number("misses"), query.get("slow") == "1", number("turn"))


def _xml(doc: TwiML) -> Response:
    return Response(doc.render(), media_type="application/xml")
