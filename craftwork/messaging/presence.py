"""Who is looking at a conversation right now: a cache key per (conversation, user), set by the
conversation's socket (on connect and on every frame, e.g. the 20 s ping) and by the page's
polling, removed when the socket closes, and expiring on its own after ``VIEWING_TTL`` seconds.

With Redis as the cache (production) every worker sees every key; with the local-memory cache
(embedded mode, one process) the ASGI process that serves the sockets also handles the sends.
"""

from django.core.cache import cache

VIEWING_TTL = 60


def _key(conversation_id, user_id) -> str:
    return f"messaging:viewing:{conversation_id}:{user_id}"


def mark_viewing(conversation_id, user_id) -> None:
    cache.set(_key(conversation_id, user_id), 1, VIEWING_TTL)


def clear_viewing(conversation_id, user_id) -> None:
    cache.delete(_key(conversation_id, user_id))


def viewing(conversation_id, user_ids) -> set:
    """The ids among ``user_ids`` that have the conversation open."""
    user_ids = list(user_ids)
    if not user_ids:
        return set()
    keys = {_key(conversation_id, user_id): user_id for user_id in user_ids}
    found = cache.get_many(list(keys))
    return {keys[key] for key in found}


async def amark_viewing(conversation_id, user_id) -> None:
    await cache.aset(_key(conversation_id, user_id), 1, VIEWING_TTL)


async def aclear_viewing(conversation_id, user_id) -> None:
    await cache.adelete(_key(conversation_id, user_id))
