"""Keep each connection's django-q2 schedule in step with the connection."""

from django.db import transaction

from .schedules import remove_connection_schedule, sync_connection_schedule


def connection_saved(sender, instance, **kwargs) -> None:
    transaction.on_commit(lambda: sync_connection_schedule(instance))


def connection_deleted(sender, instance, **kwargs) -> None:
    pk = instance.pk
    transaction.on_commit(lambda: remove_connection_schedule(pk))
