"""factory_boy factories. Tenants come first; everything else hangs off one."""

import factory

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


__all__ = [
    "PASSWORD",
    "DomainFactory",
    "FeedbackItem",
    "MembershipFactory",
    "TenantFactory",
    "UserFactory",
    "submit_item",
]
