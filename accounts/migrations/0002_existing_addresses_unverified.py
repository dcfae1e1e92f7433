"""Accounts made before addresses were verified keep their address, as unverified: nobody proved it was theirs (the
reason for verification). Each owner confirms it from their account page; until then a lead adds them by username
or invites the address, and a password reset does not go to it."""

from django.db import migrations


def record_addresses(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("accounts", "EmailAddress")
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.strip())
            for pk, email in User.objects.exclude(email="").values_list("pk", "email")
            if email.strip()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_addresses_invitations_notifications"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(record_addresses, migrations.RunPython.noop)]
