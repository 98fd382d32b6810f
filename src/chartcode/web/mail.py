"""Outgoing mail (password reset links) through a configurable backend.

``CHARTCODE_MAIL_BACKEND``: ``console`` (the default: the message goes to the server log, for a
single-user install), ``file:DIR`` (one ``.eml`` file per message, for tests and for setups
that deliver mail some other way) or ``smtp://[user:password@]host[:port]`` (``smtps://`` for
TLS; ``?starttls=1`` to upgrade a plain connection).
"""

from __future__ import annotations

import logging
import smtplib
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from chartcode.errors import InvalidInput

log = logging.getLogger("chartcode.web.mail")


class Mailer:
    def __init__(self, backend: str, sender: str) -> None:
        self.backend = backend
        self.sender = sender
        if not (backend == "console" or backend.startswith(("file:", "smtp://", "smtps://"))):
            raise InvalidInput(f"unknown mail backend {backend!r} (console, file:DIR, smtp://)")

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg.set_content(body)
        if self.backend == "console":
            sys.stderr.write(f"--- mail to {to} ---\n{msg}\n--- end of mail ---\n")
        elif self.backend.startswith("file:"):
            folder = Path(self.backend[5:])
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns()}.eml"
            (folder / name).write_bytes(bytes(msg))
        else:
            self._smtp(msg)

    def _smtp(self, msg: EmailMessage) -> None:
        url = urlsplit(self.backend)
        host = url.hostname or "localhost"
        options = parse_qs(url.query)
        client: smtplib.SMTP
        if url.scheme == "smtps":
            client = smtplib.SMTP_SSL(host, url.port or 465, timeout=20)
        else:
            client = smtplib.SMTP(host, url.port or 25, timeout=20)
        with client:
            if options.get("starttls") == ["1"]:
                client.starttls()
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            client.send_message(msg)
        log.info("sent a message by SMTP")
