"""Test data built once and shared by many tests, each test still finding it fresh and unmodified.

A *layer* is data built through the services (the organisation of ``org``, a module's ``world`` on top of it) inside
a transaction that is never committed: the layer's ``atomic`` block stays open while the tests that use it run, each
of them in a savepoint above it that pytest-django rolls back after the test. When the next test does not want the
layer, the layer is rolled back too, so a test that does not ask for the organisation finds the database as empty
as before. Transactional tests (which commit and flush) run with no layer open and build what they ask for
themselves, as every test used to; so do tests marked ``own_data`` (their settings change how the data is built).

Every test gets new Python objects, freshly fetched from the database: tests change model instances and cache
things on them (a user's scope). Files written while a layer is built are copied into each test's own MEDIA_ROOT.
"""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model


@dataclass(eq=False)
class Layer:
    """How to build one layer: ``build(namespace)`` sets attributes on the namespace (and may return it)."""

    name: str  # the fixture that hands the layer to the tests
    module: str | None  # the test module that defines it; None: conftest
    build: Callable[[Any], Any]
    parent: Layer | None = None
    run_on_commit: bool = False  # run the callbacks registered with transaction.on_commit while building

    def chain(self) -> list[Layer]:
        return [*(self.parent.chain() if self.parent else []), self]


@dataclass(eq=False)
class _Open:
    layer: Layer
    atomic: Any
    attrs: dict  # what the build set on the namespace, model instances replaced by _Ref
    folder: Path  # MEDIA_ROOT etc. while it was built


@dataclass(frozen=True)
class _Ref:
    model: type[Model]
    pk: Any


LAYERS: list[Layer] = []
_state = SimpleNamespace(item=None, manager=None, flushed=False, restore=None)


def root(name: str, build: Callable[[Any], Any]) -> Layer:
    layer = Layer(name=name, module=None, build=build)
    LAYERS.append(layer)
    return layer


def over(parent: Layer | str, *, run_on_commit: bool = False):
    """Decorator for a fixture of a test module that adds data to ``parent`` (the ``org`` layer): the function
    receives the parent's namespace (``org``), adds to it, and the module's tests receive it as before, built once
    for all of them."""

    if isinstance(parent, str):
        parent = next(layer for layer in LAYERS if layer.name == parent)

    def decorate(build):
        layer = Layer(
            name=build.__name__, module=build.__module__, build=build, parent=parent, run_on_commit=run_on_commit
        )
        LAYERS.append(layer)

        def fixture(_shared_data, **parents):
            return _shared_data.get(layer, parents[parent.name])

        # pytest reads the parent from the signature: the test's fixture closure then holds it and the database.
        fixture.__signature__ = inspect.Signature(
            [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in ("_shared_data", parent.name)]
        )
        fixture.__doc__ = build.__doc__
        fixture.shared_layer = layer
        return pytest.fixture(name=build.__name__)(fixture)

    return decorate


# ------------------------------------------------------------------------------------------------
# Which layers a test wants
# ------------------------------------------------------------------------------------------------


def _database_use(item) -> tuple[bool, bool]:
    """(uses the database, is transactional), as pytest-django decides it."""
    from django.test import TestCase, TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    test_cls = getattr(item, "cls", None)
    if test_cls and issubclass(test_cls, TransactionTestCase):
        return True, not issubclass(test_cls, TestCase)
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker:
        flags = validate_django_db(marker)
        transactional = transactional or flags[0] or flags[1]
    transactional = transactional or "django_db_reset_sequences" in fixtures
    return bool(marker) or transactional or "db" in fixtures, transactional


def _serves(layer: Layer, item, module: str | None) -> bool:
    """Whether the fixture ``item`` gets under the layer's name is the layer's: a module may define or import it."""
    if layer.module is None:
        return True
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}).get(layer.name)
    if not definitions:
        return layer.module == module
    return getattr(definitions[-1].func, "shared_layer", None) is layer


def _wanted(item) -> list[Layer] | None:
    """The layers to have open for ``item``; None: leave them as they are (the test has no database)."""
    uses_db, transactional = _database_use(item)
    if not uses_db:
        return None
    if transactional or item.get_closest_marker("own_data"):
        return []
    fixtures = getattr(item, "fixturenames", ())
    module = getattr(getattr(item, "module", None), "__name__", None)
    chains = [layer.chain() for layer in LAYERS if layer.name in fixtures and _serves(layer, item, module)]
    if not chains:
        return []
    longest = max(chains, key=len)
    assert all(chain == longest[: len(chain)] for chain in chains), f"{item.nodeid}: layers from two branches"
    return longest


# ------------------------------------------------------------------------------------------------
# Model instances out of and back into the database
# ------------------------------------------------------------------------------------------------


def _freeze(value):
    if isinstance(value, Model):
        assert value.pk is not None, f"unsaved {type(value).__name__} in shared test data"
        return _Ref(type(value), value.pk)
    if isinstance(value, dict):
        return {key: _freeze(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_freeze(item) for item in value)
    return value


def _refs(value, found: dict):
    if isinstance(value, _Ref):
        found.setdefault(value.model, set()).add(value.pk)
    elif isinstance(value, dict):
        for item in value.values():
            _refs(item, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _refs(item, found)


def _thaw(value, fetched: dict):
    if isinstance(value, _Ref):
        return fetched[value.model][value.pk]
    if isinstance(value, dict):
        return {key: _thaw(item, fetched) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_thaw(item, fetched) for item in value)
    return value


def _apply(attrs: dict, namespace) -> None:
    """Set fresh copies of ``attrs`` on ``namespace``: one query per model."""
    found: dict = {}
    _refs(attrs, found)
    fetched = {model: model._base_manager.in_bulk(pks) for model, pks in found.items()}
    for name, value in attrs.items():
        setattr(namespace, name, _thaw(value, fetched))


# ------------------------------------------------------------------------------------------------
# The open layers
# ------------------------------------------------------------------------------------------------


class Layers:
    def __init__(self, blocker, folder: Path, settings_for: Callable[[Path], dict], namespace: type):
        self.blocker = blocker
        self.folder = folder
        self.settings_for = settings_for
        self.namespace = namespace
        self.open: list[_Open] = []
        self.builds = 0

    def prepare(self, item) -> None:
        wanted = _wanted(item)
        if wanted is None:
            return
        with self.blocker.unblock():
            while self.open and [o.layer for o in self.open] != wanted[: len(self.open)]:
                self._pop()
            while len(self.open) < len(wanted):
                self._push(wanted[len(self.open)])

    def close(self) -> None:
        with self.blocker.unblock():
            while self.open:
                self._pop(closing=True)

    def get(self, layer: Layer, namespace=None):
        """The layer for the running test: fresh objects of the open layer, or (a transactional test) built now."""
        if namespace is None:
            namespace = self.namespace()
        opened = next((o for o in self.open if o.layer is layer), None)
        if opened is None:
            return self._build(layer, namespace)
        _apply(opened.attrs, namespace)
        from django.conf import settings

        media = opened.folder / "media"
        if media.exists():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        return namespace

    def _build(self, layer: Layer, namespace):
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=layer.run_on_commit):
            result = layer.build(namespace)
        assert result is None or result is namespace, f"{layer.name} must add to its argument"
        return namespace

    def _push(self, layer: Layer) -> None:
        from django.core.cache import cache
        from django.test import override_settings

        self.builds += 1
        folder = self.folder / f"{len(self.open)}-{layer.name}-{self.builds}"
        if self.open and (self.open[-1].folder / "media").exists():
            shutil.copytree(self.open[-1].folder / "media", folder / "media")
        namespace = self.namespace()
        for opened in self.open:
            _apply(opened.attrs, namespace)
        before = dict(vars(namespace))
        connection = connections[DEFAULT_DB_ALIAS]
        atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
        atomic.__enter__()
        pending = len(connection.run_on_commit)
        try:
            cache.clear()
            with override_settings(**self.settings_for(folder)):
                self._build(layer, namespace)
        except BaseException:
            self._rollback(atomic)
            raise
        # The build's on-commit callbacks have run (run_on_commit) or are dropped, as a rolled-back test's are.
        del connection.run_on_commit[pending:]
        attrs = {
            name: _freeze(value)
            for name, value in vars(namespace).items()
            if name not in before or before[name] is not value
        }
        self.open.append(_Open(layer, atomic, attrs, folder))

    def _pop(self, closing: bool = False) -> None:
        opened = self.open.pop()
        self._rollback(opened.atomic, closing)
        shutil.rmtree(opened.folder, ignore_errors=True)

    @staticmethod
    def _rollback(atomic, closing: bool = False) -> None:
        if closing and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # At the end of the session, session fixtures torn down before this one (the live server's, with
            # SQLite in memory sharing the connection) may have ended the transaction under the layer already.
            return
        transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        atomic.__exit__(None, None, None)


def after_flush(restore: Callable[[], None]) -> None:
    """``restore()`` puts back what the migrations wrote (a transactional test's flush empties every table): it runs
    before the next test that uses the database."""
    _state.restore = restore


def before_setup(item) -> None:
    """Called before any fixture of ``item`` is set up: open and close layers for it."""
    _state.item = item
    uses_db, transactional = _database_use(item)
    if uses_db and _state.flushed and _state.restore is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _state.restore()
        _state.flushed = False
    _state.flushed = _state.flushed or transactional
    if _state.manager is not None:
        _state.manager.prepare(item)


def start(blocker, folder: Path, settings_for: Callable[[Path], dict], namespace: type) -> Layers:
    manager = Layers(blocker, folder, settings_for, namespace)
    _state.manager = manager
    if _state.item is not None:
        manager.prepare(_state.item)
    return manager


def stop(manager: Layers) -> None:
    manager.close()
    _state.manager = None
