"""A real SMTP server on localhost (aiosmtpd) for tests that send mail: ``smtp_server`` points
the app at it and gives the list of messages it received, as ``email.message.EmailMessage``
(each with ``envelope_to``, the addresses it was sent to). The sharing tests read the same
list through ``tests/sharing/support.Inbox``."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest


class Received(list):
    """The messages the server received. Mail is sent by the app's background sender after
    each commit (engage/core/mail.py): every read first waits until the sender has done a
    full pass since the last commit that stored mail (no sleeps)."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def settle(self) -> "Received":
        from engage.core import mail

        assert mail.wait_idle(self.app, timeout=60), "the background mail sender did not finish"
        return self

    def __len__(self):
        return super(Received, self.settle()).__len__()

    def __iter__(self):
        return super(Received, self.settle()).__iter__()

    def __getitem__(self, index):
        return super(Received, self.settle()).__getitem__(index)

    def __bool__(self):
        return bool(len(self))

    def __eq__(self, other):
        return list(iter(self)) == other

    def __contains__(self, item):
        return item in list(iter(self))

    def clear(self):
        self.settle()
        super().clear()


class _Collector:
    def __init__(self, app):
        self.messages = Received(app)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """Start aiosmtpd on a free local port and send the app's mail there (no TLS, no login)."""
    from tests.conftest import require

    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # pragma: no cover
        require(False, "aiosmtpd is not installed")
    collector = _Collector(app)
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USERNAME="")
    try:
        yield collector.messages
    finally:
        app.config.update(old)
        controller.stop()
