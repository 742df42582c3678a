"""Tenants, their hosts, their people and the roles those people hold."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tenants.scoping import TenantOwnedModel

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    "Use 1-40 lowercase letters, digits or hyphens; no hyphen at either end.",
)
TICKET_PREFIX_VALIDATOR = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$", "Use 2-10 capital letters or digits, starting with a letter."
)
COLOR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #3b5bdb.")
ATTACHMENT_MAX_BYTES_DEFAULT = 10 * 1024 * 1024
# Uploads are read whole for validation, so the ceiling stays modest.
ATTACHMENT_MAX_BYTES_CEILING = 100 * 1024 * 1024
HOST_VALIDATOR = RegexValidator(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    "Enter a host name such as feedback.example.com (no scheme, port or path).",
)


class Tenant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    slug = models.SlugField(
        max_length=40,
        unique=True,
        validators=[SLUG_VALIDATOR],
        help_text="Portal address: <slug>.<base domain>.",
    )
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    ticket_prefix = models.CharField(
        max_length=10,
        validators=[TICKET_PREFIX_VALIDATOR],
        help_text="Ticket keys look like PREFIX-42.",
    )
    brand_color = models.CharField(max_length=7, default="#3b5bdb", validators=[COLOR_VALIDATOR])
    logo = models.ImageField(upload_to="tenant-logos/", blank=True)
    csat_delay_hours = models.PositiveIntegerField(
        "CSAT survey delay (hours)",
        default=24,
        help_text="How long after an item is resolved its reporter is asked how it was handled.",
    )
    reply_to_email = models.EmailField(
        "reply-to address",
        blank=True,
        help_text="Replies to notification emails go here; empty means no Reply-To header.",
    )
    allow_anonymous_feedback = models.BooleanField(
        default=False,
        help_text="Visitors without an account may submit with an email address; the item "
        "stays hidden until they confirm it from the email.",
    )
    attachment_max_bytes = models.PositiveIntegerField(
        "attachment size limit (bytes)",
        default=ATTACHMENT_MAX_BYTES_DEFAULT,
        validators=[MinValueValidator(1024), MaxValueValidator(ATTACHMENT_MAX_BYTES_CEILING)],
        help_text="Largest file a visitor may attach, per file.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Domain(TenantOwnedModel):
    """A custom host that serves a tenant's portal, e.g. feedback.acme.com."""

    host = models.CharField(max_length=253, unique=True, validators=[HOST_VALIDATOR])
    is_primary = models.BooleanField(default=False)
    is_verified = models.BooleanField(
        default=False, help_text="Only verified domains serve the portal."
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="domain_one_primary_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.host

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.host = self.host.strip().lower()
        super().save(*args, **kwargs)


class UserManager(BaseUserManager):
    """Users belong to one tenant (portal users and staff) or to none (platform operators)."""

    use_in_migrations = True

    def for_tenant(self, tenant: Tenant | None) -> models.QuerySet[User]:
        return self.get_queryset().filter(tenant=tenant)

    def create_user(
        self, email: str, password: str | None = None, *, tenant: Tenant | None = None, **extra: Any
    ) -> User:
        user = self.model(email=self.normalize_email(email).lower(), tenant=tenant, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, tenant=None, **extra)

    def get_by_natural_key(self, username: str) -> User:
        # Natural keys (createsuperuser, dumpdata) address platform accounts only.
        return self.get(tenant=None, email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
        help_text="Empty for platform operators.",
    )
    email = models.EmailField()
    display_name = models.CharField(max_length=80, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Platform admin access (base host). Tenant staff use roles."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint("tenant", Lower("email"), name="user_email_unique_per_tenant"),
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(tenant__isnull=True),
                name="user_email_unique_on_platform",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """What other visitors see: the display name, or the address's local part."""
        return self.display_name or self.email.split("@", 1)[0]


class Membership(TenantOwnedModel):
    """A staff role inside one tenant."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        AGENT = "agent", "Agent"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self) -> None:
        # Also fails while the tenant is unsaved: staff must already be its users.
        if self.user_id and (self.user.tenant_id is None or self.user.tenant_id != self.tenant_id):
            raise ValidationError({"user": "Staff must be a user of this tenant."})

    @property
    def can_edit(self) -> bool:
        return self.role != self.Role.VIEWER

    @property
    def can_manage_tenant(self) -> bool:
        return self.role in {self.Role.OWNER, self.Role.ADMIN}
