"""Admin of the sync engine."""

from django.contrib import admin
from django.utils import timezone

from . import connection_admin  # noqa: F401  (the connection page with its mappings and rules)
from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Is background work running? One row per django-q2 cluster."""

    list_display = ("cluster", "host", "pid", "last_seen", "alive")
    readonly_fields = ("cluster", "host", "pid", "last_seen")

    @admin.display(boolean=True, description="alive (seen < 3 min ago)")
    def alive(self, obj: WorkerHeartbeat) -> bool:
        return (timezone.now() - obj.last_seen).total_seconds() < 180

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
