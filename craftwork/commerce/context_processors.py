"""``cart_count`` for the header's cart link (lazy: no query unless a template shows it).

Add ``"craftwork.commerce.context_processors.cart"`` to TEMPLATES' context processors and, in
the base layout's navigation::

    <li><a href="{% url 'commerce:cart' %}" data-testid="nav-cart">{% translate "Cart" %}{% if cart_count %} <span class="badge" data-testid="cart-count">{{ cart_count }}</span>{% endif %}</a></li>
"""

from django.db.models import Sum
from django.utils.functional import SimpleLazyObject

from .models import CartLine
from .selectors import _uuid
from .session import SESSION_KEY


def _count(request) -> int:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    else:
        session = getattr(request, "session", None)
        cart_id = _uuid(session.get(SESSION_KEY)) if session is not None else None
        if cart_id is None:
            return 0
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


def cart(request):
    return {"cart_count": SimpleLazyObject(lambda: _count(request))}
