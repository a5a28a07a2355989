"""The emulator's fidelity layer: what AWS does and moto 5.2.5 does not, one rule a module.

Each rule is a small declared unit, like a cfn-lint rule: an id (`EM` and three digits), a
one-line title, the AWS document that defines the behaviour, and an installer, which teaches
moto that behaviour. Most rules are one function standing in for moto's method: declared with
`@rule(...)` over `@stands_in_for("module:Class.method")`, the function is the rule. A rule of
several such functions marks each with `@replaces("module:Class.method")` and declares
`rule(...)(replacements(__name__))`. A rule that does more writes its own `install()`
(wrapping methods with `in_place_of`). Rules live in
the modules of this package and register themselves with `@rule(...)`; `apply()` imports every
module and installs each rule once, in id order, before the emulator parses its first stack.

Id ranges: EM1xx resource lifecycle (create, update, replace, delete, names, policies),
EM2xx stack operations (names, busy stacks, protection, policies, change sets, time),
EM3xx how the API answers (pages, throttling, what a change set reports).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

Installer = Callable[[], None]
Method = Callable[..., Any]

_ID = re.compile(r"^EM\d{3}$")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    #: The AWS document that defines the behaviour (a docs.aws.amazon.com address).
    source: str
    install: Installer


#: Every rule, by id, once its module is imported.
RULES: dict[str, Rule] = {}
_installed: set[str] = set()


def rule(rule_id: str, title: str, source: str) -> Callable[[Installer], Installer]:
    """Register the decorated function as the installer of rule `rule_id`."""
    if not _ID.match(rule_id):
        raise ValueError(f"fidelity rule id {rule_id!r} is not EM followed by three digits")
    if not source.startswith("https://docs.aws.amazon.com/"):
        raise ValueError(f"fidelity rule {rule_id} must cite an AWS document, not {source!r}")

    def register(install: Installer) -> Installer:
        if rule_id in RULES and RULES[rule_id].install is not install:
            raise ValueError(f"fidelity rule {rule_id} is declared twice")
        RULES[rule_id] = Rule(rule_id, title, source, install)
        return install

    return register


def load() -> dict[str, Rule]:
    """Import every rule module of this package; the rules by id."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(RULES.items()))


def apply() -> list[str]:
    """Install every rule not installed yet, in id order; the ids installed now."""
    done = []
    for rule_id, declared in load().items():
        if rule_id not in _installed:
            declared.install()
            _installed.add(rule_id)
            done.append(rule_id)
    return done


def in_place_of(owner: Any, *names: str) -> Callable[[Method], Method]:
    """Install the decorated function as method `name` of moto's class `owner` (as each of
    `names`, given more). It is called as `function(original, self, ...)`, `original` being
    the method as it stood when the rule was installed (moto's own, or an earlier rule's;
    None where moto has none), for the function to call or not."""

    def install(function: Method) -> Method:
        for name in names:
            setattr(owner, name, _calling(function, getattr(owner, name, None)))
        return function

    return install


def stands_in_for(*methods: str) -> Callable[[Method], Installer]:
    """The installer of a rule that is one function standing in for each of `methods`, named
    `module:Class.method` and imported when the rule is installed; the function is called as
    with `in_place_of`."""
    _check_paths(methods)

    def declare(function: Method) -> Installer:
        def install() -> None:
            for method in methods:
                _put(method, function)

        return install

    return declare


def replaces(*methods: str) -> Callable[[Method], Method]:
    """Mark the decorated function of a rule module to stand in for each of `methods` (named
    as for `stands_in_for`) once the module's rule, declared with `replacements(__name__)` as
    its installer, is installed."""
    _check_paths(methods)

    def mark(function: Method) -> Method:
        setattr(function, _REPLACES, methods)
        return function

    return mark


def replacements(module: str) -> Installer:
    """The installer of a rule whose functions each say, with `@replaces`, which of moto's
    methods they stand in for: each is put in place, in the order the module defines them."""

    def install() -> None:
        for function in list(vars(sys.modules[module]).values()):
            if getattr(function, "__module__", None) == module:
                for method in getattr(function, _REPLACES, ()):
                    _put(method, function)

    return install


_REPLACES = "__replaces__"


def _check_paths(methods: tuple[str, ...]) -> None:
    for method in methods:
        module, _, path = method.partition(":")
        if not module or "." not in path:
            raise ValueError(f"name the method as module:Class.method, not {method!r}")


def _put(method: str, function: Method) -> None:
    """Install `function` in place of `method` (module:Class.method), as `in_place_of` does."""
    module, _, path = method.partition(":")
    owner_path, _, name = path.rpartition(".")
    in_place_of(attrgetter(owner_path)(importlib.import_module(module)), name)(function)


def _calling(function: Method, original: Method | None) -> Method:
    """A method that calls `function` with `original` before its own arguments."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return function(original, self, *args, **kwargs)

    return method
