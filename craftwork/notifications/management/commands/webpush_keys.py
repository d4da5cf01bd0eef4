"""Make a VAPID key pair for Web Push and print it as environment variables."""

from django.core.management.base import BaseCommand

from craftwork.notifications import push


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for Web Push as WEBPUSH_VAPID_PUBLIC_KEY / "
        "WEBPUSH_VAPID_PRIVATE_KEY. Keep the private key secret; changing the pair ends every "
        "existing browser subscription."
    )

    def handle(self, *args, **options):
        keys = push.generate_vapid_keys()
        self.stdout.write(f"WEBPUSH_VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={keys.private_key}")
