from django.core.management.base import BaseCommand

from craftwork.catalog.services import categories_sync


class Command(BaseCommand):
    help = (
        "Create or update the catalog categories from craftwork/catalog/categories.py (idempotent)."
    )

    def handle(self, *args, **options):
        counts = categories_sync()
        self.stdout.write(
            self.style.SUCCESS(
                "Categories synced: {created} created, {updated} updated.".format(**counts)
            )
        )
