"""factory_boy factories. Tenants come first; everything else hangs off one."""

import io
import random

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.models import FeedbackItem
from feedback.services import item_submit
from tenants.models import Domain, Membership, Tenant, User

PASSWORD = "correct-horse-battery"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda t: f"{t.slug.title()} Inc")
    ticket_prefix = factory.LazyAttribute(lambda t: t.slug.upper()[:10])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.LazyAttribute(lambda m: UserFactory(tenant=m.tenant))
    role = Membership.Role.AGENT


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    tenant = factory.SubFactory(TenantFactory)
    host = factory.Sequence(lambda n: f"feedback{n}.customer.test")
    is_verified = True


def submit_item(tenant, reporter, title="Checkout button does nothing", kind="idea", **extra):
    """Items are only ever created through the service, which numbers and counts them."""
    return item_submit(tenant=tenant, reporter=reporter, kind=kind, title=title, **extra)


def png_bytes(width=40, height=30, mode="RGB", noise=False, **save_options):
    """A real PNG; `noise` makes it incompressible (about width*height*3 bytes)."""
    if noise:
        pixels = random.Random(width * height).randbytes(width * height * 3)
        image = Image.frombytes("RGB", (width, height), pixels)
    else:
        image = Image.new(mode, (width, height), 1 if mode == "1" else (200, 40, 40))
    output = io.BytesIO()
    image.save(output, format="PNG", **save_options)
    return output.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(name="screen.png", **png_options):
    return upload(name, png_bytes(**png_options), "image/png")


__all__ = [
    "PASSWORD",
    "DomainFactory",
    "FeedbackItem",
    "MembershipFactory",
    "TenantFactory",
    "UserFactory",
    "png_bytes",
    "png_upload",
    "submit_item",
    "upload",
]
