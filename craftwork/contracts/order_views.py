"""Web pages' gig-order and session actions that need more than a button (the buttons and
note forms go through ``views.transition`` like every other transition)."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from craftwork.core.errors import DomainError, NotFound

from . import orders, selectors
from .forms import DeliveryForm, RequirementsForm, SessionLocationForm, apply_domain_error
from .views import _back, _rerender, file_response, participant_view


def _gig(request, pk):
    contract = selectors.contract_for_participant(request.user, pk)
    order = selectors.gig_order_of(contract)
    if order is None:
        raise NotFound()
    return contract, order


@participant_view
@require_POST
def gig_requirements(request, pk):
    contract, order = _gig(request, pk)
    form = RequirementsForm(request.POST, requirements=order.requirements, auto_id="id_req_%s")
    if form.is_valid():
        try:
            orders.gig_requirements_submit(
                contract=contract, answers=form.answers(), actor=request.user
            )
        except DomainError as error:
            form.add_domain_error(error)
    if form.errors:
        return _rerender(request, pk, {"requirements": form})
    messages.success(request, _("Thank you: the seller has your answers and the work starts."))
    return _back(contract, "order")


@participant_view
@require_POST
def gig_deliver(request, pk):
    contract, _order = _gig(request, pk)
    form = DeliveryForm(request.POST, request.FILES, auto_id="id_gig_%s")
    if form.is_valid():
        try:
            orders.gig_deliver(
                contract=contract,
                message=form.cleaned_data["message"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        return _rerender(request, pk, {"gig_delivery": form})
    messages.success(request, _("Delivered. The buyer reviews your work."))
    return _back(contract, "order")


@participant_view
@require_GET
def gig_file(request, pk, file_pk):
    return file_response(selectors.gig_delivery_file_for_participant(request.user, pk, file_pk))


@participant_view
@require_POST
def session_location(request, pk):
    contract = selectors.contract_for_participant(request.user, pk)
    form = SessionLocationForm(request.POST, auto_id="id_loc_%s")
    if form.is_valid():
        try:
            orders.session_location_set(contract=contract, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
    if form.errors:
        return _rerender(request, pk, {"session_location": form})
    messages.success(request, _("Saved. The client can see where to meet."))
    return _back(contract, "session")
