"""URLs of a tenant's portal host (<slug>.<base domain> or a custom domain)."""

from django.urls import include, path
from django.views.generic import TemplateView

from portal.views import health_view, my_feedback_view, roadmap_view
from tenants.admin_sites import tenant_admin_site
from tenants.password_reset import PortalPasswordResetConfirmView, PortalPasswordResetView
from tenants.views import PortalLoginView, PortalLogoutView, signup_view

urlpatterns = [
    path("admin/", tenant_admin_site.urls),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", PortalLogoutView.as_view(), name="logout"),
    path("accounts/signup/", signup_view, name="signup"),
    path("accounts/password-reset/", PortalPasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        TemplateView.as_view(template_name="tenants/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PortalPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        TemplateView.as_view(template_name="tenants/password_reset_complete.html"),
        name="password-reset-complete",
    ),
    path("healthz", health_view, name="health"),
    path("roadmap/", roadmap_view, name="roadmap"),
    path("my/", my_feedback_view, name="my-feedback"),
    path("notifications/", include("feedback.notifications.urls")),
    path("", include("feedback.urls")),
]
