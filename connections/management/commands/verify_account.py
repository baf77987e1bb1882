"""Verify a connected account's credentials (and fetch NetSuite subsidiaries)."""

from django.core.management.base import BaseCommand, CommandError

from connections.models import ConnectedAccount
from connections.services import verify_account


class Command(BaseCommand):
    help = "Check an account's credentials against its API; for NetSuite also store its subsidiaries."

    def add_arguments(self, parser):
        parser.add_argument("pk", type=int, help="The ConnectedAccount id (see the admin).")

    def handle(self, *args, pk, **options):
        try:
            account = ConnectedAccount.objects.get(pk=pk)
        except ConnectedAccount.DoesNotExist:
            raise CommandError(f"There is no connected account with id {pk}.")
        result = verify_account(account)
        if not result.ok:
            raise CommandError(f"{account}: {result.message}")
        self.stdout.write(self.style.SUCCESS(f"{account}: {result.message}"))
        for sub in account.subsidiaries.order_by("internal_id"):
            flags = ", ".join(f for f, on in (("inactive", sub.is_inactive), ("elimination", sub.is_elimination)) if on)
            self.stdout.write(f"  {sub.internal_id:>6}  {sub.name}" + (f"  ({flags})" if flags else ""))
