"""Every message Tandem sends goes through here: rendered from templates/accounts/email/, queued once the
transaction that asked for it commits, and sent by a task worker, never within a request. A failed send is tried
again later, a few times, before the task is left as failed for the operator to see."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

# Tries in all; the waits between them grow: 1, 4, 16, 64 minutes.
SEND_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "accounts.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_url(user) -> str:
    """A link that stops every notification to this person, signed so nobody else can make one; it never expires,
    since an old message must still let its reader stop the next ones."""
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))
    return absolute(reverse("accounts:unsubscribe", args=[token]))


def unsubscribed_user_id(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def send_later(*, to: str, template: str, context: dict, unsubscribe_for=None) -> None:
    """Render `templates/accounts/email/<template>.txt` (its first line is the subject) and send it once the current
    transaction commits. A notification names its recipient's account in `unsubscribe_for`: the message then ends
    with the link that stops them, and carries it as a List-Unsubscribe header for mail programs."""
    unsubscribe = unsubscribe_url(unsubscribe_for) if unsubscribe_for is not None else ""
    text = render_to_string(f"accounts/email/{template}.txt", {**context, "unsubscribe_url": unsubscribe})
    subject, _, body = text.lstrip().partition("\n")
    transaction.on_commit(
        lambda: send_message.enqueue(to=to, subject=subject.strip(), body=body.strip() + "\n", unsubscribe=unsubscribe)
    )


@task()
def send_message(*, to: str, subject: str, body: str, unsubscribe: str = "", attempt: int = 1) -> None:
    headers = {"List-Unsubscribe": f"<{unsubscribe}>"} if unsubscribe else {}
    message = EmailMessage(subject=subject, body=body, to=[to], headers=headers)
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        if attempt >= SEND_ATTEMPTS:
            raise
        logger.warning("sending %r to %s failed (try %d of %d); trying again", subject, to, attempt, SEND_ATTEMPTS)
        retry = send_message
        if default_task_backend.supports_defer:
            retry = send_message.using(run_after=timezone.now() + timedelta(minutes=4 ** (attempt - 1)))
        retry.enqueue(to=to, subject=subject, body=body, unsubscribe=unsubscribe, attempt=attempt + 1)
