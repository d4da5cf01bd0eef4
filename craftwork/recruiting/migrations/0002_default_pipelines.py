from django.db import migrations

DEFAULT_PIPELINE = (
    ("applied", "Applied"),
    ("screening", "Screening"),
    ("interview", "Interview"),
    ("offer", "Offer"),
    ("hired", "Hired"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
)


def default_pipelines(apps, schema_editor):
    """Every existing organization becomes a workspace with the default pipeline."""
    Organization = apps.get_model("accounts", "Organization")
    Stage = apps.get_model("recruiting", "PipelineStage")
    have = set(Stage.objects.values_list("organization_id", flat=True))
    for organization_id in Organization.objects.exclude(pk__in=have).values_list("pk", flat=True):
        Stage.objects.bulk_create(
            Stage(organization_id=organization_id, kind=kind, name=name, position=i * 10)
            for i, (kind, name) in enumerate(DEFAULT_PIPELINE)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0001_initial"),
        ("accounts", "0004_workspace_roles"),
    ]

    operations = [migrations.RunPython(default_pipelines, migrations.RunPython.noop)]
