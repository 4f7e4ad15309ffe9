"""A real SMTP server on loopback for tests (aiosmtpd, in this process), which can be
told to refuse for a while, refuse for good, or not answer in time."""

import email
import email.policy
import socket
import threading
import time
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.refuse: str | None = None  # an SMTP answer such as "451 try later"
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        if self.refuse:
            return self.refuse
        with self.lock:
            self.envelopes.append(envelope)
            self.received.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"


class LocalSMTP:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self):
        return self.handler.received

    def refuse(self, answer: str | None) -> None:
        self.handler.refuse = answer

    def delay(self, seconds: float) -> None:
        self.handler.delay = seconds

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }


@contextmanager
def local_smtp():
    server = LocalSMTP()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
