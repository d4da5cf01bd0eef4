"""``{% load messaging_tags %}{% message_links contract %}``: the "Messages" (and, for a job
with several hires, "Team conversation") links of a contract page, in one line."""

from django import template

register = template.Library()


@register.inclusion_tag("messaging/_contract_links.html", takes_context=True)
def message_links(context, contract):
    from craftwork.messaging.contexts import has_team

    user = context.get("user")
    party = getattr(user, "pk", None) in (contract.client_id, contract.provider_id)
    return {"contract": contract, "show": party, "team": party and has_team(contract)}
