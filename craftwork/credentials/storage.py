"""Private file storage: documents that only their owner and staff may read.

Files live outside ``MEDIA_ROOT`` and have no URL at all; they are streamed by a
permission-checked view. In production the "private" storage alias points at a
private bucket instead (see ``STORAGES`` in settings).
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="craftwork.credentials.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a checked view.")


def private_storage():
    """The storage behind the "private" alias (a callable, so migrations do not freeze it)."""
    return storages["private"]
