"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives: the mail a user would read."""
import email
import re
import socket
import time
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Every message the server received, parsed; links are read from their bodies."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.apps = []          # whose worker threads send here: read once they have sent all

    def settled(self, wait: float = 10.0) -> None:
        """Wait until the apps' workers have run every task handed to them."""
        deadline = time.monotonic() + wait
        for app in self.apps:
            running = app.extensions.get("fundapp.embedded_worker")
            while running is not None and not running.idle() and time.monotonic() < deadline:
                time.sleep(0.02)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's handler name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def to(self, address: str, wait: float = 5.0) -> list:
        """The messages received for an address (waiting a moment for the first)."""
        self.settled()
        deadline = time.monotonic() + wait
        while True:
            found = [message for message in self.messages if message["To"] == address]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def link(self, address: str, path: str) -> str:
        """The path of the newest link to `path` mailed to the address."""
        for message in reversed(self.to(address)):
            match = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s)]*)", message.get_content())
            if match:
                return match.group(1)
        raise AssertionError(f"no link to {path} mailed to {address}")


@pytest.fixture
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:                # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def mail_app(make_app, mailbox):
    """The app sending its mail through the loopback server, from a worker thread of its own."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port, JOB_QUEUE="embedded")
    mailbox.apps.append(app)
    return app
