"""The fidelity layer's rules are declared units: an id, a title and the AWS document."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from appstack.local import fidelity


def test_every_rule_cites_an_aws_document_and_has_a_unique_id() -> None:
    rules = fidelity.load()
    for rule_id, declared in rules.items():
        assert declared.id == rule_id
        assert declared.title
        assert declared.source.startswith("https://docs.aws.amazon.com/")


def test_a_rule_without_an_aws_document_is_refused() -> None:
    with pytest.raises(ValueError, match="must cite an AWS document"):
        fidelity.rule("EM999", "made up", "https://example.com/")


def test_a_malformed_rule_id_is_refused() -> None:
    with pytest.raises(ValueError, match="three digits"):
        fidelity.rule("X1", "made up", "https://docs.aws.amazon.com/")


def test_a_rule_puts_its_function_in_place_of_a_method_and_may_call_the_original() -> None:
    class Backend:
        def answer(self, value: int) -> int:
            return value + 1

    @fidelity.in_place_of(Backend, "answer")
    def doubled(original: fidelity.Method, self: Backend, value: int) -> int:
        return int(original(self, value)) * 2

    assert Backend().answer(3) == 8


def test_a_rule_may_add_a_method_moto_lacks() -> None:
    class Backend:
        pass

    @fidelity.in_place_of(Backend, "question")
    def question(original: fidelity.Method | None, self: Backend) -> str:
        return "none before" if original is None else "replaced"

    assert Backend().question() == "none before"  # type: ignore[attr-defined]


def test_one_function_may_stand_in_place_of_several_methods_each_calling_its_own() -> None:
    class Backend:
        def describe(self, name: str) -> str:
            return f"described {name}"

        def delete(self, name: str) -> str:
            return f"deleted {name}"

    @fidelity.in_place_of(Backend, "describe", "delete")
    def checked(original: fidelity.Method, self: Backend, name: str) -> str:
        if not name:
            raise LookupError("no such name")
        return str(original(self, name))

    assert Backend().describe("a") == "described a"
    assert Backend().delete("b") == "deleted b"
    with pytest.raises(LookupError):
        Backend().delete("")


class Greeter:
    """A class a rule names by its path, as it names moto's."""

    def greet(self, name: str) -> str:
        return f"hello {name}"

    def wave(self, name: str) -> str:
        return f"wave at {name}"


@pytest.fixture
def greeter() -> Iterator[type[Greeter]]:
    """Greeter, its methods put back as they were once the test is done."""
    original = (Greeter.greet, Greeter.wave)
    yield Greeter
    Greeter.greet, Greeter.wave = original  # type: ignore[method-assign]


def test_a_rule_may_be_one_function_standing_in_for_methods_named_by_their_path(
    greeter: type[Greeter],
) -> None:
    @fidelity.stands_in_for(f"{__name__}:Greeter.greet", f"{__name__}:Greeter.wave")
    def loud(original: fidelity.Method, self: Greeter, name: str) -> str:
        return str(original(self, name)).upper()

    assert greeter().greet("ann") == "hello ann"  # nothing changes before the rule is installed
    loud()
    assert (greeter().greet("ann"), greeter().wave("bo")) == ("HELLO ANN", "WAVE AT BO")


def test_a_method_path_without_its_module_is_refused() -> None:
    with pytest.raises(ValueError, match=r"module:Class\.method"):
        fidelity.stands_in_for("CloudFormationResponse.execute_change_set")


def test_a_rule_of_several_functions_installs_each_where_it_says_it_replaces(
    greeter: type[Greeter], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("rule_of_several")
    monkeypatch.setitem(sys.modules, module.__name__, module)

    @fidelity.replaces(f"{__name__}:Greeter.greet")
    def polite(greet: fidelity.Method, self: Greeter, name: str) -> str:
        return f"{greet(self, name)}, please"

    @fidelity.replaces(f"{__name__}:Greeter.wave")
    def loud(wave: fidelity.Method, self: Greeter, name: str) -> str:
        return str(wave(self, name)).upper()

    polite.__module__ = loud.__module__ = module.__name__
    module.polite, module.loud = polite, loud  # type: ignore[attr-defined]
    # Marked elsewhere and imported: installed by its own module's rule, not again by this one.
    module.imported = polite_elsewhere  # type: ignore[attr-defined]
    install = fidelity.replacements(module.__name__)
    assert greeter().greet("ann") == "hello ann"  # nothing changes before the rule is installed
    install()
    assert (greeter().greet("ann"), greeter().wave("bo")) == ("hello ann, please", "WAVE AT BO")


@fidelity.replaces(f"{__name__}:Greeter.greet")
def polite_elsewhere(greet: fidelity.Method, self: Greeter, name: str) -> str:
    return f"{greet(self, name)}!"


def test_a_replacement_without_its_module_is_refused() -> None:
    with pytest.raises(ValueError, match=r"module:Class\.method"):
        fidelity.replaces("StackInstance.to_dict")
