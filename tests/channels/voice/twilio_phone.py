"""A caller on a Twilio line, posting recorded Twilio-shaped webhooks to Samen (test helper)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import httpx

FIXTURES = Path(__file__).parent / "fixtures"
WEBHOOK = "/api/v1/channels/voice/twilio"

# Twilio's voice verbs and the attributes each accepts (www.twilio.com/docs/voice/twiml).
VERBS: dict[str, set[str]] = {
    "Response": set(),
    "Say": {"voice", "language", "loop"},
    "Play": {"loop", "digits"},
    "Pause": {"length"},
    "Gather": {
        "action", "method", "input", "language", "speechTimeout", "timeout", "finishOnKey",
        "numDigits", "hints", "actionOnEmptyResult", "speechModel", "enhanced",
        "profanityFilter", "partialResultCallback", "partialResultCallbackMethod",
    },
    "Dial": {
        "action", "method", "timeout", "callerId", "record", "answerOnBridge", "ringTone",
        "timeLimit", "hangupOnStar", "recordingStatusCallback",
    },
    "Number": {"sendDigits", "url", "method", "statusCallback", "statusCallbackEvent"},
    "Hangup": set(),
    "Redirect": {"method"},
    "Connect": {"action", "method"},
    "Stream": {"url", "name", "track", "statusCallback", "statusCallbackMethod"},
    "Parameter": {"name", "value"},
}  # fmt: skip
NESTING = {
    "Response": {"Say", "Play", "Pause", "Gather", "Dial", "Hangup", "Redirect", "Connect"},
    "Gather": {"Say", "Play", "Pause"},
    "Dial": {"Number"},
    "Connect": {"Stream"},
    "Stream": {"Parameter"},
}


def fixture(name: str, **changes: str) -> dict[str, str]:
    form: dict[str, str] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def check_twiml(text: str) -> ET.Element:
    """Parse (well-formed or it raises) and check verbs, attributes and nesting against Twilio's."""
    root = ET.fromstring(text)
    assert root.tag == "Response"

    def walk(element: ET.Element) -> None:
        assert element.tag in VERBS, f"not a TwiML verb: {element.tag}"
        unknown = set(element.attrib) - VERBS[element.tag]
        assert not unknown, f"{element.tag} has no attributes {unknown}"
        for child in element:
            assert child.tag in NESTING.get(element.tag, set()), f"{child.tag} in {element.tag}"
            walk(child)

    walk(root)
    return root


class Answer:
    def __init__(self, response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/xml")
        self.xml = check_twiml(response.text)

    @property
    def gather(self) -> ET.Element | None:
        return self.xml.find("Gather")

    @property
    def spoken(self) -> str:
        return " ".join(e.text or "" for e in self.xml.iter("Say"))

    @property
    def dialled(self) -> str | None:
        number = self.xml.find("Dial/Number")
        return number.text if number is not None else None


class Phone:
    """One call: ``await phone.ring()``, then ``await phone.say("...")`` / ``phone.key("0")``."""

    def __init__(self, client: httpx.AsyncClient, sid: str, caller: str = "+31612345678") -> None:
        self.client = client
        self.sid = sid
        self.caller = caller
        self.next_url = WEBHOOK
        self.last: Answer | None = None

    async def ring(self, url: str = WEBHOOK) -> Answer:
        return await self._post(url, fixture("call_start.json", CallSid=self.sid, From=self.caller))

    async def say(self, words: str) -> Answer:
        form = fixture("gather_speech.json", CallSid=self.sid, From=self.caller, SpeechResult=words)
        return await self._post(self.next_url, form)

    async def key(self, digits: str) -> Answer:
        form = fixture("gather_digits.json", CallSid=self.sid, From=self.caller, Digits=digits)
        return await self._post(self.next_url, form)

    async def silence(self) -> Answer:
        return await self._post(
            self.next_url, fixture("gather_empty.json", CallSid=self.sid, From=self.caller)
        )

    async def hang_up(self) -> httpx.Response:
        form = fixture("call_completed.json", CallSid=self.sid, From=self.caller)
        return await self.client.post(WEBHOOK, data=form)

    async def _post(self, url: str, form: dict[str, str]) -> Answer:
        answer = Answer(await self.client.post(url, data=form))
        self.last = answer
        if answer.gather is not None:
            action = urlsplit(answer.gather.get("action", ""))
            self.next_url = f"{action.path}?{action.query}"
        return answer
