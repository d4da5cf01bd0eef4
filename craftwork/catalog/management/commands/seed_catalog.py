import random

from django.core.management.base import BaseCommand

from craftwork.catalog import demo


class Command(BaseCommand):
    help = (
        "Add demo gigs and mentorship sessions for the demo freelancers (run seed_demo first). "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-images", action="store_true", help="Skip gallery images.")
        parser.add_argument("--mentors", type=int, default=demo.MENTORS)

    def handle(self, *args, no_images, mentors, **options):
        report = demo.seed_catalog(random.Random(2026), images=not no_images, mentors=mentors)
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog demo data ready: {report['gigs']} gigs, {report['mentors']} mentors."
            )
        )
