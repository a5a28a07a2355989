"""The emulator's fidelity layer: what AWS does and moto 5.2.5 does not, one rule a module.

Each rule is a small declared unit, like a cfn-lint rule: an id (`EM` and three digits), a
one-line title, the AWS document that defines the behaviour, and an installer, which teaches
moto that behaviour. Most rules are one function standing in for moto's method: declared with
`@rule(...)` over `@stands_in_for("module:Class.method")`, the function is the rule. A rule
that does more writes its own `install()` (wrapping methods with `in_place_of`). Rules live in
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
    for method in methods:
        module, _, path = method.partition(":")
        if not module or "." not in path:
            raise ValueError(f"name the method as module:Class.method, not {method!r}")

    def declare(function: Method) -> Installer:
        def install() -> None:
            for method in methods:
                module, _, path = method.partition(":")
                owner_path, _, name = path.rpartition(".")
                owner = attrgetter(owner_path)(importlib.import_module(module))
                in_place_of(owner, name)(function)

        return install

    return declare


def _calling(function: Method, original: Method | None) -> Method:
    """A method that calls `function` with `original` before its own arguments."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return function(original, self, *args, **kwargs)

    return method
