"""Messaging: the outbox of SMS and e-mails, and stored unfinished dialogues."""
