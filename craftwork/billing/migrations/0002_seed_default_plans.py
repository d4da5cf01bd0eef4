from django.db import migrations


def seed(apps, schema_editor):
    from craftwork.billing.defaults import seed as seed_defaults

    seed_defaults(
        apps.get_model("billing", "Plan"),
        apps.get_model("billing", "PlanVersion"),
        apps.get_model("billing", "PlanPrice"),
        apps.get_model("billing", "CreditPrice"),
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
