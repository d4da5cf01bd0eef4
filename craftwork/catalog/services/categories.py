from django.db import transaction

from craftwork.core.audit import audit

from ..categories import category_tree
from ..models import Category


def categories_sync(*, actor=None, tree=None) -> dict:
    """Upsert the category tree (``categories.category_tree()`` by default); never deletes."""
    tree = category_tree() if tree is None else tree
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for position, (slug, name, icon, description, children) in enumerate(tree):
            parent = _upsert(slug, None, name, icon, description, position, counts)
            for child_position, (child_slug, child_name, child_description, _skills) in enumerate(
                children
            ):
                _upsert(
                    child_slug, parent, child_name, icon, child_description, child_position, counts
                )
        audit(actor=actor, action="catalog.categories_synced", details=counts)
    return counts


def _upsert(slug, parent, name, icon, description, position, counts) -> Category:
    category, created = Category.objects.update_or_create(
        slug=slug,
        defaults={
            "parent": parent,
            "name": name,
            "icon": icon,
            "description": description,
            "position": position,
        },
    )
    counts["created" if created else "updated"] += 1
    return category
