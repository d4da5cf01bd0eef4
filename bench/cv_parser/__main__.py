"""python -m bench.cv_parser [--json]: the parser's field-level precision and recall."""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    django.setup()
    from . import evaluate, table

    report = evaluate()
    if "--json" in sys.argv:
        data = {
            name: {"precision": c.precision, "recall": c.recall, "tp": c.tp, "fp": c.fp, "fn": c.fn}
            for name, c in sorted(report.fields.items())
        }
        o = report.overall
        data["overall"] = {"precision": o.precision, "recall": o.recall}
        print(json.dumps(data, indent=2))
    else:
        print(table(report))


if __name__ == "__main__":
    main()
