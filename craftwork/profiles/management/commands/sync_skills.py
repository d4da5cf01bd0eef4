from django.core.management.base import BaseCommand

from craftwork.profiles.services import skills_taxonomy_sync


class Command(BaseCommand):
    help = "Create or update the skill categories and skills from craftwork/profiles/taxonomy.py (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete skills and categories that are not in the taxonomy and that nobody uses.",
        )

    def handle(self, *args, prune=False, **options):
        counts = skills_taxonomy_sync(prune=prune)
        self.stdout.write(
            self.style.SUCCESS(
                "Skills taxonomy synced: {categories_created} categories created, {skills_created} skills created, "
                "{skills_updated} skills updated, {skills_pruned} pruned.".format(**counts)
            )
        )
