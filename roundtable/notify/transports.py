"""Sending composed mail: by SMTP, or into .eml files when no mail server is configured."""

from __future__ import annotations

import secrets
import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from roundtable.notify.outbox import PermanentFailure


class FileTransport:
    """Write each message as an .eml file (the default when no SMTP server is configured)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, email: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.directory / f"{stamp}-{secrets.token_hex(3)}.eml").write_bytes(bytes(email))

    def forget(self, addresses: Iterable[str]) -> int:
        """Delete the files of messages to any of ``addresses``; return how many went."""
        wanted = {address.lower() for address in addresses if address}
        if not wanted or not self.directory.is_dir():
            return 0
        removed = 0
        for path in self.directory.glob("*.eml"):
            with path.open("rb") as fh:
                headers = BytesHeaderParser(policy=policy.default).parse(fh)
            recipients = {address.lower() for _, address in getaddresses(headers.get_all("To", []))}
            if recipients & wanted:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


class SmtpTransport:
    """Send through an SMTP server given as smtp://, smtp+starttls:// or smtps:// URL."""

    def __init__(self, url: str, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://, smtp+starttls:// or smtps://HOST[:PORT]")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def __call__(self, email: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.scheme == "smtp+starttls":
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            # Only the recipient's own refusal is final; server or login trouble is retried.
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
            raise
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") \
                    from exc
            raise
        finally:
            try:
                client.quit()  # the message is accepted already; a failed QUIT changes nothing
            except (smtplib.SMTPException, OSError):
                client.close()


def forget(addresses: Iterable[str]) -> int:
    """Delete the copies of mail to ``addresses`` that this site keeps (erasure); return how many.

    Only the .eml files of the file transport are kept here; mail sent by SMTP is gone.
    """
    sender = transport()
    return sender.forget(addresses) if isinstance(sender, FileTransport) else 0


def transport() -> FileTransport | SmtpTransport:
    """Return the configured transport: SMTP when SMTP_URL is set, else .eml files."""
    url = current_app.config.get("SMTP_URL")
    if url:
        return SmtpTransport(url)
    return FileTransport(Path(current_app.instance_path) / "mail")
