"""What can be flagged and moderated, declared by the app that owns it.

An app calls ``register_flaggable`` from its ``AppConfig.ready()``::

    register_flaggable("review", model=Review, author=lambda obj: obj.author,
        describe=lambda obj: "short text for the queue", url=lambda obj: "/path/",
        visible=lambda obj, user: bool,
        hide=lambda obj, *, actor, reason: None,
        restore=lambda obj, *, actor, reason: None,
        remove=lambda obj, *, actor, reason: None)

Moderation never writes another app's models: ``hide``/``restore``/``remove`` call that app's
own services. ``visible(obj, user)`` is the owning app's gate — a user can only flag what they
can see, and anything else is reported as "not found".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from craftwork.core.errors import NotFound

__all__ = [
    "Flaggable",
    "all_kinds",
    "get_flaggable",
    "is_registered",
    "load_object",
    "object_for",
    "register_flaggable",
]


@dataclass(frozen=True)
class Flaggable:
    kind: str
    model: type
    author: Callable[[Any], Any]
    describe: Callable[[Any], str]
    url: Callable[[Any], str]
    visible: Callable[[Any, Any], bool]
    hide: Callable[..., None]
    restore: Callable[..., None]
    remove: Callable[..., None]
    label: Any = ""
    # Optional: how to fetch the object by id (defaults to model._default_manager.get(pk=...)).
    fetch: Callable[[str], Any] | None = None
    # Optional: the public text screening reads (a staff restore then approves that text).
    text: Callable[[Any], str] | None = None

    def author_of(self, obj):
        try:
            return self.author(obj)
        except Exception:  # a deleted author must not break the queue page
            return None


_registry: dict[str, Flaggable] = {}


def register_flaggable(
    kind: str,
    *,
    model,
    author,
    describe,
    url,
    visible,
    hide,
    restore,
    remove,
    label: str = "",
    fetch=None,
    text=None,
) -> Flaggable:
    """Declare ``kind`` as flaggable. Registering the same kind again replaces it (reloads, tests)."""
    if not kind or len(kind) > 30 or not kind.replace("_", "").isalnum():
        raise ValueError(f"invalid flaggable kind {kind!r}")
    entry = Flaggable(
        kind=kind,
        model=model,
        author=author,
        describe=describe,
        url=url,
        visible=visible,
        hide=hide,
        restore=restore,
        remove=remove,
        label=label or kind,
        fetch=fetch,
        text=text,
    )
    _registry[kind] = entry
    return entry


def unregister_flaggable(kind: str) -> None:
    """For tests."""
    _registry.pop(kind, None)


def is_registered(kind: str) -> bool:
    return kind in _registry


def all_kinds() -> list[str]:
    return sorted(_registry)


def get_flaggable(kind: str) -> Flaggable:
    """The registration for ``kind``; an unknown kind is reported as not found."""
    try:
        return _registry[kind]
    except (KeyError, TypeError):
        raise NotFound(code="unknown_kind") from None


def kind_of(obj) -> str | None:
    """The registered kind for a model instance (first match), or None."""
    for kind, entry in _registry.items():
        if isinstance(obj, entry.model):
            return kind
    return None


def load_object(kind: str, object_id):
    """Fetch the object of ``kind`` by id, or raise NotFound (bad ids included)."""
    entry = get_flaggable(kind)
    if object_id in (None, ""):
        raise NotFound()
    if entry.fetch is not None:
        obj = entry.fetch(object_id)
    else:
        try:
            pk = entry.model._meta.pk.to_python(object_id)
        except (DjangoValidationError, ValueError, TypeError):
            raise NotFound() from None
        obj = entry.model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def object_for(kind: str, object_id, *, user):
    """The object if ``user`` may see it, else NotFound — the gate for flagging."""
    entry = get_flaggable(kind)
    obj = load_object(kind, object_id)
    if user is None or not entry.visible(obj, user):
        raise NotFound()
    return obj
