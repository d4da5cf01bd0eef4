from django.core.management.base import BaseCommand

from craftwork.web import demo


class Command(BaseCommand):
    help = "Fill the database with coherent demo data through the real services (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--freelancers", type=int, default=100)
        parser.add_argument(
            "--no-images", action="store_true", help="Skip generated portfolio images (faster)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database has users."
        )

    def handle(self, *args, clients, freelancers, no_images, if_empty, **options):
        if if_empty and not demo.database_is_empty():
            self.stdout.write("Demo data: the database already has users; nothing to do.")
            return
        self.stdout.write(f"Loading demo data: {clients} clients, {freelancers} freelancers ...")
        report = demo.seed(
            clients=clients, freelancers=freelancers, images=not no_images, stdout=self.stdout
        )
        created = ", ".join(f"{count} {kind}" for kind, count in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (created {created})."))
        for label, result in report.extra.items():
            self.stdout.write(f"  {label}: {result}")
        # The logins are printed once, by runplatform, after everything has started.
