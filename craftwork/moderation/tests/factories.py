"""Helpers for moderation tests: public items of every kind moderation registers."""

from craftwork.catalog.tests.factories import GigFactory
from craftwork.jobs.tests.factories import JobFactory
from craftwork.profiles.tests.factories import FreelancerProfileFactory


def public_gig(**kwargs):
    return GigFactory(active=True, **kwargs)


def public_job(**kwargs):
    return JobFactory(**kwargs)


def public_profile(**kwargs):
    return FreelancerProfileFactory(published=True, **kwargs)


ITEM_FACTORIES = {"gig": public_gig, "job": public_job, "profile": public_profile}


AUTHOR_FIELD = {"gig": "seller", "job": "client", "profile": "user"}


def author_of(kind, obj):
    return getattr(obj, AUTHOR_FIELD[kind])
