"""The phone line: Twilio voice webhooks (TwiML), a Twilio-Media-Streams-shaped WebSocket with
Samen's own speech (faster-whisper in, espeak-ng out), and voicemail transcription.

``attach_voice(container)`` (in ``adapter``) builds it; ``calls.VoiceCalls`` is the call flow
that every transport shares.
"""
