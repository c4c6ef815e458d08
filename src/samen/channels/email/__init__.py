"""The e-mail channel: mail in over SMTP or IMAP, answers out over SMTP, in the same conversations.

    receiver (aiosmtpd) | poller (IMAP)  →  inbound  →  ConversationService  →  registry
        raw mail stored first                 parsing, loops, threads, triage       ↓
                                                                      outbound (aiosmtplib, retries)

``adapter.attach_email(container)`` builds the parts from the settings; ``bootstrap`` calls it.
"""
