"""The voice tests' shared fixture: Whisper base, loaded once per test run (slow tests only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from samen.channels.voice.speech import WhisperTranscriber
from samen.settings import DEMO_TENANT
from samen.tenant import Tenant

CACHE = Path(os.environ.get("SAMEN_TEST_CACHE", Path.home() / ".cache" / "samen-tests"))


@pytest.fixture(scope="session")
def whisper() -> WhisperTranscriber:
    transcriber = WhisperTranscriber(
        CACHE / "speech", vocabulary=Tenant.load(DEMO_TENANT).speech_vocabulary
    )
    transcriber.load()
    return transcriber
