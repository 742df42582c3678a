"""URLs of the base host: a neutral landing page and the operator's admin."""

from django.urls import path

from portal.views import health_view, platform_landing_view
from tenants.admin_sites import platform_admin_site

urlpatterns = [
    path("", platform_landing_view, name="home"),
    path("admin/", platform_admin_site.urls),
    path("healthz", health_view, name="health"),
]
