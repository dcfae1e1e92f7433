import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import record_verified_address


class Command(BaseCommand):
    help = "Create a user account (for installations with sign-up closed)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="Counted as verified: the administrator vouches for it.")
        parser.add_argument("--password", help="Prompted for when omitted.")
        parser.add_argument("--staff", action="store_true", help="Give access to the Django admin.")

    def handle(self, *args, username, email, password, staff, **options):
        User = get_user_model()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user called '{username}' already exists")
        if password is None:
            password = getpass.getpass("Password: ")
        user = User(username=username, email=email, is_staff=staff, is_superuser=staff)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            if email:
                record_verified_address(user=user, email=email)
        self.stdout.write(f"Created user {username}{' (staff)' if staff else ''}.")
