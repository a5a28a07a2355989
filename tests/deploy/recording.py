"""An interaction for the deploy workflow that records what it was shown and asked, and
answers every question the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from appstack.checks.findings import Finding
from appstack.deploy import changesets, events, stacks


@dataclass
class Recording:
    answer: bool = True
    said: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    shown: list[changesets.ChangeSet] = field(default_factory=list)
    found: list[Finding] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.said.append(message)

    def warning(self, message: str) -> None:
        self.said.append(message)

    def success(self, message: str) -> None:
        self.said.append(message)

    def findings(self, found: Sequence[Finding]) -> None:
        self.found += found

    def repairs(self, done: Sequence[str], failed: Sequence[str]) -> None:
        self.said += [*done, *failed]

    def change(self, change_set: changesets.ChangeSet) -> None:
        self.shown.append(change_set)

    def refusal(self, refused: Sequence[str]) -> None:
        self.said += refused

    def outcome(self, outcome: stacks.Outcome) -> None:
        self.said.append(f"{outcome.stack_name}: {outcome.status}")

    def can_ask(self) -> bool:
        return True

    def confirm(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer

    @contextmanager
    def progress(self, title: str, total: int) -> Iterator[Callable[[events.Event], None]]:
        yield lambda event: None

    @contextmanager
    def activity(self, title: str) -> Iterator[Callable[[str], None]]:
        self.said.append(title)
        yield lambda line: None
