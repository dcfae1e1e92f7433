"""A real SMTP server on the loopback (aiosmtpd), for tests that follow a message from the task that sends it to
the link in its text."""

import email
import email.policy
import re
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    fail_next: int = 0  # refuse this many messages (a temporary failure) before accepting

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            self.fail_next -= 1
            return "451 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def only(self, address: str) -> email.message.EmailMessage:
        found = self.to(address)
        assert len(found) == 1, [m["Subject"] for m in self.messages]
        return found[0]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def links(self, address: str, path_part: str) -> list[str]:
        """The paths of the links containing `path_part` in the messages to `address`, oldest first."""
        texts = [self.text(message) for message in self.to(address)]
        return [link for text in texts for link in re.findall(r"https?://[^/\s]+(/\S+)", text) if path_part in link]

    def link(self, address: str, path_part: str) -> str:
        """The path of the one link containing `path_part` in the one message to `address`."""
        self.only(address)
        (found,) = self.links(address, path_part)
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
