"""A small named registry: a bad lookup names every valid option (as opt_einsum's backends do)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from kronconv.errors import check_choice

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps option names to objects; ``registry[name]`` raises a clear error on unknown names."""

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> T:
        if name in self._items:
            raise ValueError(f"{self.parameter} {name!r} is registered twice")
        self._items[name] = item
        return item

    def __getitem__(self, name: str) -> T:
        check_choice(self.parameter, name, self._items)
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def names(self) -> list[str]:
        return list(self._items)
