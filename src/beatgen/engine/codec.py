"""The store's encoding: plain CBOR data, decoded by constructing only the types a registry names.

The persistent cache may come from a shared CI cache that someone else could have written. So what it
holds is data, never code: no pickle, no class looked up by a name the data chooses. A stored object
is `[type name, field values...]` under one tag of ours; decoding constructs the named type only when
the registry holds it, with exactly its fields. Every other tag (our own unknown ones, and the CBOR
standard's that cbor2 would decode by itself: regular expressions, MIME messages, ...) is refused, and
so are bytes left over after the value, so a damaged or crafted entry fails to decode and is dropped.
"""

from __future__ import annotations

import dataclasses
import enum
import io
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import cbor2

OBJECT, MOMENT, DAY, LIST, DICT, SET = range(0x62670001, 0x62670007)
"""Our tags ("bg" and a number), far from every tag the CBOR registry assigns."""
STANDARD_TAGS = (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261, 1004, 55799)
"""The tags cbor2 decodes by itself unless told otherwise; none of them is ours, so each is refused."""
MAX_DEPTH = 64
"""Deeper than any model nests: a crafted entry cannot make the decoder recurse without end."""

Decoder = Callable[[Any, bool], Any]


class CodecError(ValueError):
    """The bytes are no value this codec wrote: damaged, foreign or crafted."""


class Codec:
    """Encodes and decodes values made of plain data and the registered types (frozen dataclasses, enums).

    Plain data keeps its Python type through a round trip (a list stays a list, a tuple a tuple, a dict
    with tuple keys a dict), so a decoded model digests and renders exactly as the one that was stored."""

    def __init__(self, types: Iterable[type]) -> None:
        self.types: dict[str, type] = {kind.__name__: kind for kind in types}
        self.fields: dict[type, tuple[str, ...]] = {
            kind: tuple(field.name for field in dataclasses.fields(kind))
            for kind in self.types.values() if dataclasses.is_dataclass(kind)}
        self.makers: dict[str, tuple[type, int]] = {
            name: (kind, -1 if issubclass(kind, enum.Enum) else len(self.fields[kind]) + 1)
            for name, kind in self.types.items()}
        """Each type by name, with the length of its stored tuple (name and fields; -1: an enum's, any)."""
        self.decoders: dict[int, Decoder] = {
            **dict.fromkeys(STANDARD_TAGS, _refuse_standard), OBJECT: self._object, MOMENT: _moment,
            DAY: _day, LIST: lambda items, _: list(items), DICT: lambda pairs, _: dict(pairs),
            SET: lambda items, _: frozenset(items)}
        self.encoders: dict[type, Callable[[cbor2.CBOREncoder, Any], None]] = {
            datetime: _encode_moment, date: _encode_day, list: _encode_list, dict: _encode_dict,
            frozenset: _encode_set, set: _encode_set, **dict.fromkeys(self.types.values(), self._encode_object)}

    def encode(self, value: object) -> bytes:
        try:
            return cbor2.dumps(value, encoders=self.encoders, default=_unregistered)
        except (cbor2.CBOREncodeError, TypeError, ValueError) as exc:
            raise CodecError(f"cannot store {type(value).__name__}: {exc}") from exc

    def decode(self, data: bytes) -> Any:
        stream = io.BytesIO(data)
        decoder = cbor2.CBORDecoder(stream, semantic_decoders=self.decoders, tag_hook=_refuse_tag,
                                    max_depth=MAX_DEPTH, strict_hashable_types=True)
        try:
            value = decoder.decode(immutable=True)
        except Exception as exc:  # noqa: BLE001 - whatever the bytes make the decoder raise, they are refused
            reason = exc.__cause__ if isinstance(exc.__cause__, CodecError) else exc
            raise CodecError(str(reason) or type(reason).__name__) from exc
        if stream.tell() != len(data):
            raise CodecError(f"{len(data) - stream.tell()} bytes after the value")
        return value

    def _encode_object(self, encoder: cbor2.CBOREncoder, value: Any) -> None:
        kind = type(value)
        if isinstance(value, enum.Enum):
            encoder.encode(cbor2.CBORTag(OBJECT, (kind.__name__, value.value)))
        else:
            encoder.encode(cbor2.CBORTag(OBJECT, (kind.__name__, *(getattr(value, n) for n in self.fields[kind]))))

    def _object(self, value: Any, _immutable: bool) -> Any:
        """Only a registered type, built from exactly its fields (an enum from its value). Runs once per
        stored object: a cache load decodes hundreds of thousands."""
        if value.__class__ is not tuple or not value or value[0].__class__ is not str:
            raise CodecError("a stored object must be its type's name and its fields")
        maker = self.makers.get(value[0])
        if maker is None:
            raise CodecError(f"{value[0]!r} is no type the store may hold")
        kind, length = maker
        if length >= 0 and len(value) != length:
            raise CodecError(f"{value[0]} has {length - 1} fields, the entry gives {len(value) - 1}")
        return kind(*value[1:])


def _encode_moment(encoder: cbor2.CBOREncoder, value: datetime) -> None:
    """A datetime with its zone as it was: a named zone by its key, a fixed offset in seconds."""
    zone: str | float | None = None
    if isinstance(value.tzinfo, ZoneInfo):
        zone = value.tzinfo.key
    elif value.tzinfo is not None:
        offset = value.utcoffset()
        zone = offset.total_seconds() if offset is not None else None
    parts = (value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
    encoder.encode(cbor2.CBORTag(MOMENT, (*parts, value.fold, zone)))


def _moment(value: Any, _immutable: bool) -> datetime:
    year, month, day, hour, minute, second, microsecond, fold, zone = value
    where: tzinfo | None = None
    if isinstance(zone, str):
        try:
            where = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CodecError(f"unknown time zone {zone!r}") from exc
    elif zone is not None:
        where = timezone(timedelta(seconds=zone))
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=where, fold=fold)


def _encode_day(encoder: cbor2.CBOREncoder, value: date) -> None:
    encoder.encode(cbor2.CBORTag(DAY, (value.year, value.month, value.day)))


def _day(value: Any, _immutable: bool) -> date:
    return date(*value)


def _encode_list(encoder: cbor2.CBOREncoder, value: list[Any]) -> None:
    encoder.encode(cbor2.CBORTag(LIST, tuple(value)))


def _encode_dict(encoder: cbor2.CBOREncoder, value: Mapping[Any, Any]) -> None:
    """As a list of pairs: keys may be tuples, which a CBOR map decoded safely does not allow."""
    encoder.encode(cbor2.CBORTag(DICT, tuple(value.items())))


def _encode_set(encoder: cbor2.CBOREncoder, value: frozenset[Any]) -> None:
    """Sorted, so that equal sets make equal bytes."""
    encoder.encode(cbor2.CBORTag(SET, tuple(sorted(value))))


def _unregistered(encoder: cbor2.CBOREncoder, value: object) -> None:
    raise CodecError(f"{type(value).__name__} is no type the store may hold")


def _refuse_standard(value: Any, _immutable: bool) -> None:
    raise CodecError("a standard CBOR tag, which the store never writes")


def _refuse_tag(tag: cbor2.CBORTag, _immutable: bool) -> None:
    raise CodecError(f"tag {tag.tag}, which the store never writes")
