"""The shared RejectUnknownFieldsMixin (craftwork.core.api.serializers), as the accounts API uses it."""

from rest_framework import serializers

from craftwork.core.api.serializers import StrictSerializer


class Address(StrictSerializer):
    city = serializers.CharField(max_length=20)


class Person(StrictSerializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=20)
    address = Address(required=False)


def errors_of(data, **kwargs):
    serializer = Person(data=data, **kwargs)
    assert not serializer.is_valid()
    return serializer.errors


def test_known_fields_pass():
    serializer = Person(data={"name": "Ada", "address": {"city": "London"}})
    assert serializer.is_valid(), serializer.errors


def test_unknown_and_read_only_fields_are_refused_with_a_code():
    errors = errors_of({"name": "Ada", "id": "1", "is_staff": True})
    assert set(errors) == {"id", "is_staff"}
    assert errors["is_staff"][0].code == "unknown_field"


def test_nested_unknown_fields_are_refused():
    errors = errors_of({"name": "Ada", "address": {"city": "London", "zip": "N1"}})
    assert "zip" in errors["address"]


def test_partial_updates_are_strict_too():
    assert "nmae" in errors_of({"nmae": "typo"}, partial=True)
