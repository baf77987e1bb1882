"""Create a first administrator when the database has no superuser."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from connections.roles import ADMINISTRATORS


class Command(BaseCommand):
    help = "Create the user 'admin' with a generated password when no superuser exists, and print its login once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An administrator exists already; no user created.")
            return
        password = secrets.token_urlsafe(12)
        port = os.environ.get("PORT") or "8000"  # scripts/run's web admin port
        user = User.objects.create_superuser(username=username, email="", password=password)
        user.groups.add(Group.objects.get(name=ADMINISTRATORS))
        self.stdout.write(
            self.style.SUCCESS(
                f"\nCreated the administrator. Log in at http://127.0.0.1:{port}/admin/ with\n"
                f"  username: {username}\n  password: {password}\n(shown once; change it in the admin)\n"
            )
        )
