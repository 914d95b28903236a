"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): the ``smtp_server`` fixture,
registered for every test by tests/conftest.py, keeps what it receives in ``inbox``."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

FROM = "shop@example.fr"


class Inbox:
    """aiosmtpd handler keeping every message; refuses recipients listed in ``refuse``."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()

    class Server:
        url = f"smtp://127.0.0.1:{port}"

        @staticmethod
        def stop():
            controller.stop()

        @staticmethod
        def restart():
            nonlocal controller
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()

    Server.inbox = inbox
    yield Server
    try:
        controller.stop()
    except AssertionError:
        pass  # already stopped
