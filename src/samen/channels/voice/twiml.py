"""TwiML documents built with ElementTree, so they are always well-formed XML.

>>> doc = TwiML()
>>> gather = doc.gather("/api/v1/channels/voice/twilio?turn=1", "nl-NL")
>>> doc.say("Waarmee kan ik je helpen?", "nl-NL", parent=gather)
>>> doc.render()
'<?xml version="1.0" encoding="UTF-8"?><Response><Gather ...><Say ...>…</Say></Gather></Response>'
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

LANGUAGES = {"nl": "nl-NL", "en": "en-US"}


class TwiML:
    def __init__(self) -> None:
        self.root = ET.Element("Response")

    def say(self, text: str, language: str, *, parent: ET.Element | None = None) -> None:
        element = ET.SubElement(parent if parent is not None else self.root, "Say")
        element.set("language", language)
        element.text = text

    def pause(self, seconds: int = 1, *, parent: ET.Element | None = None) -> None:
        element = ET.SubElement(parent if parent is not None else self.root, "Pause")
        element.set("length", str(seconds))

    def gather(self, action: str, language: str, hints: str = "") -> ET.Element:
        """Listen for speech or keys; Twilio posts the result to ``action`` (also when the
        caller said nothing, so silence is a turn too)."""
        element = ET.SubElement(self.root, "Gather")
        element.set("input", "speech dtmf")
        element.set("language", language)
        element.set("action", action)
        element.set("method", "POST")
        element.set("speechTimeout", "auto")
        element.set("timeout", "6")
        element.set("finishOnKey", "#")
        element.set("actionOnEmptyResult", "true")
        if hints:
            element.set("hints", hints)
        return element

    def dial(self, number: str, *, timeout: int = 30) -> None:
        element = ET.SubElement(self.root, "Dial")
        element.set("timeout", str(timeout))
        element.set("answerOnBridge", "true")
        number_element = ET.SubElement(element, "Number")
        number_element.text = number

    def hangup(self) -> None:
        ET.SubElement(self.root, "Hangup")

    def render(self) -> str:
        body = ET.tostring(self.root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>{body}'
