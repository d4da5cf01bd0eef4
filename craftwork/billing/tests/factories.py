from craftwork.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from craftwork.billing.models import CreditPrice


def set_price(action: str, credits: int) -> CreditPrice:
    row, _ = CreditPrice.objects.update_or_create(action=action, defaults={"credits": credits})
    return row


def OrganizationWithMember(role: str = "owner"):
    organization = OrganizationFactory()
    member = UserFactory()
    MembershipFactory(organization=organization, user=member, role=role)
    return organization, member
