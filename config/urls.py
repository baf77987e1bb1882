"""URL configuration: everything lives in the admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "NetSuite contact sync"
admin.site.site_title = "Contact sync"
admin.site.index_title = "Operations"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Pages link the favicon; this answers browsers (and tools) that ask /favicon.ico anyway, without a 404.
    path("favicon.ico", RedirectView.as_view(url=static("ops/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.permission_denied"
