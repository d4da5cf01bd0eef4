import pytest
from django.core.management import call_command

from craftwork.accounts.models import Organization, User
from craftwork.catalog.models import Gig
from craftwork.contracts.models import Contract
from craftwork.jobs.models import Job
from craftwork.profiles.models import FreelancerProfile, PortfolioImage
from craftwork.web import demo

pytestmark = pytest.mark.django_db


def test_seed_builds_a_coherent_world_and_is_idempotent():
    demo.seed(clients=4, freelancers=6, images=True)
    users = User.objects.count()
    assert users == 4 + 6 + len(demo.DEMO_LOGINS)
    assert all(user.email_verified for user in User.objects.all())
    staff = User.objects.get(email=demo.DEMO_LOGINS[0][1])
    assert staff.is_staff and staff.is_superuser
    both = User.objects.get(email=demo.DEMO_LOGINS[3][1])
    assert both.is_client and both.is_freelancer
    published = FreelancerProfile.objects.filter(is_published=True)
    assert published.count() >= 6
    for profile in published:
        assert profile.headline and profile.hourly_rate > 0
        assert profile.profile_skills.count() >= 3
    assert PortfolioImage.objects.exists()
    assert Organization.objects.filter(memberships__user__email=demo.DEMO_LOGINS[1][1]).exists()
    assert Job.objects.filter(status="open").exists()
    assert Gig.objects.filter(status="active").exists()
    assert Contract.objects.exists()
    call_command("reconcile")

    counts = (Job.objects.count(), Gig.objects.count(), Contract.objects.count())
    demo.seed(clients=4, freelancers=6, images=False)
    assert User.objects.count() == users
    assert (Job.objects.count(), Gig.objects.count(), Contract.objects.count()) == counts


def test_demo_logins_work_with_the_demo_password(client):
    demo.seed(clients=1, freelancers=1, images=False)
    for _role, email in demo.DEMO_LOGINS:
        assert User.objects.get(email=email).check_password(demo.DEMO_PASSWORD)


def test_command_if_empty_skips_a_populated_database(capsys, user):
    call_command("seed_demo", "--if-empty", "--clients", "1", "--freelancers", "1")
    assert "nothing to do" in capsys.readouterr().out
    assert User.objects.count() == 1


def test_demo_password_hash_is_upgraded_at_first_login(client, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    demo.seed(clients=0, freelancers=0, images=False)
    email = demo.DEMO_LOGINS[1][1]
    assert User.objects.get(email=email).password.startswith(
        f"pbkdf2_sha256${demo.DEMO_HASH_ITERATIONS}$"
    )
    assert client.login(email=email, password=demo.DEMO_PASSWORD)
    upgraded = User.objects.get(email=email).password
    assert upgraded.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


@pytest.mark.django_db(transaction=True)
def test_seeding_leaves_no_task_for_the_worker_and_mails_no_demo_address(monkeypatch):
    """A fresh `make run` seeds, then starts the worker: anything queued while seeding would be
    a backlog that a new user's verification email waits behind."""
    from django.core import mail

    from craftwork.celery import app
    from craftwork.core.models import OutboxEvent
    from craftwork.notifications.models import Notification

    # A transactional test may run after another one's flush emptied the taxonomies.
    call_command("sync_skills")
    call_command("sync_categories")
    queued = []
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    monkeypatch.setattr(type(app), "send_task", lambda self, name, *a, **k: queued.append(name))
    demo.seed(clients=2, freelancers=3, images=False)  # commits as `make run` does
    assert queued == []
    assert app.conf.task_always_eager is False  # restored for the running platform
    assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.DISPATCHED).exists()
    assert Notification.objects.exists()  # side effects are done, in the app
    assert mail.outbox == []  # but nothing is mailed to invented addresses
