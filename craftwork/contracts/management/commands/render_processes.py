from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from craftwork.contracts.docs import render


class Command(BaseCommand):
    help = (
        "Write docs/processes.md (Mermaid state diagrams and transition tables) from the "
        "registered contract processes; --check only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "processes.md")
        )
        parser.add_argument("--check", action="store_true", help="Fail if the file is out of date.")

    def handle(self, *args, output, check, **options):
        path = Path(output)
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run manage.py render_processes.")
            self.stdout.write(self.style.SUCCESS(f"{path} is up to date."))
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
