"""Rebuild every rating statistics row (and each gig's stored rating) from the public reviews.

manage.py recompute_ratings          # fix what differs, list it
manage.py recompute_ratings --check  # only report; exit status 1 when anything differs
"""

from django.core.management.base import BaseCommand, CommandError

from craftwork.reviews import stats


class Command(BaseCommand):
    help = "Recompute rating statistics from published, visible reviews."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit with status 1 when the stored statistics differ.",
        )

    def handle(self, *args, check=False, **options):
        found = stats.recompute_all(check=check)
        for difference in found:
            self.stdout.write(str(difference))
        if not found:
            self.stdout.write(self.style.SUCCESS("Rating statistics agree with the reviews."))
            return
        if check:
            raise CommandError(
                f"{len(found)} rating statistics rows differ from the reviews.", returncode=1
            )
        self.stdout.write(self.style.WARNING(f"Fixed {len(found)} rating statistics rows."))
