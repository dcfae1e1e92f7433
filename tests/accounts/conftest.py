import pytest

from tests.accounts import smtp


@pytest.fixture
def inbox(settings):
    """Messages go by SMTP to a server on the loopback; each sent within the request that queued it (its task runs
    in line, after the test's commit callbacks run: use `mail_sent`)."""
    box = smtp.Inbox()
    controller = smtp.start(box)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "http://testserver"
    yield box
    controller.stop()


@pytest.fixture
def mail_sent(django_capture_on_commit_callbacks):
    """`with mail_sent():` runs what the block queued on commit (sending messages) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
