"""The terminal: every byte appstack prints goes through here (pictures: `render.diagram`)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from appstack.checks.findings import Finding
    from appstack.deploy.changesets import ChangeSet
    from appstack.deploy.events import Event
    from appstack.deploy.stacks import Outcome
    from appstack.estimates.cost import PhaseCost
    from appstack.estimates.forecast import Forecast

# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else 160
_stdout = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)
out = _stdout  # where human-readable output goes: stderr while JSON owns stdout
_markdown = False  # tables as Markdown, no colour: for a pull request

#: What every command's `--output` offers: text for a terminal (the default), one JSON
#: object for machines (its schema: docs/schemas/<command>.json), and Markdown where a
#: person reads the answer in a pull request.
FORMATS = ("text", "json", "markdown")


@contextmanager
def for_machines(on: bool = True) -> Iterator[None]:
    """While on, stdout carries the JSON of `json_document` alone; tables, summaries and
    progress go to stderr, so `--output json` can be piped into a parser."""
    global out
    if not on:
        yield
        return
    out = err
    try:
        yield
    finally:
        out = _stdout


@contextmanager
def output_format(name: str) -> Iterator[None]:
    """Print in one of `FORMATS` while the block runs."""
    global out, _markdown
    if name == "json":
        with for_machines():
            yield
        return
    if name != "markdown":
        yield
        return
    out = Console(color_system=None, highlight=False, soft_wrap=True, emoji=False)
    _markdown = True
    try:
        yield
    finally:
        out, _markdown = _stdout, False


def _show(grid: Table) -> None:
    """A table: drawn in text, a Markdown table in Markdown."""
    if not _markdown:
        out.print(grid)
        return
    cells = [[_cell_text(c) for c in column.cells] for column in grid.columns]
    lines = ["", f"**{_cell_text(grid.title)}**", ""] if grid.title else [""]
    lines.append("| " + " | ".join(_cell_text(c.header) for c in grid.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in grid.columns) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in zip(*cells, strict=True)]
    out.print("\n".join(lines) + "\n", markup=False)


def _cell_text(cell: object) -> str:
    """A table cell as Markdown text: its markup dropped, `|` escaped, on one line."""
    text = cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain
    return text.replace("|", "\\|").replace("\n", "<br>")


def error(message: str) -> None:
    lines = message.splitlines() or [""]
    err.print(f"[bold red]error:[/] {escape(lines[0])}", markup=True)
    for line in lines[1:]:
        err.print(f"  {line}", markup=False)


def info(message: str) -> None:
    out.print(message, markup=False)


def note(message: str) -> None:
    err.print(f"[dim]{escape(message)}[/]")


def success(message: str) -> None:
    out.print(f"[green]✔[/] {escape(message)}")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    grid = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*(Text(str(cell)) for cell in row))  # text: no markup, no :emoji: codes
    _show(grid)


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# ---------------------------------------------------------------- estimates


def plural(count: int, noun: str) -> str:
    """`1 resource`, `2 resources`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def json_document(data: object) -> None:
    """Print `data` as JSON on stdout (dataclasses become objects; figures rounded, see
    `_figure`; times and other values as text)."""
    _stdout.print_json(json.dumps(_plain(data), default=str), highlight=False)


#: Fields of the estimates that hold US dollars (shown in cents) or seconds (in tenths).
_MONEY = frozenset({"monthly", "saving", "total", "delta", "by_capability"})
_SECONDS = frozenset({"start", "finish", "seconds", "delay", "floor", "cleanup"})


def _figure(name: str, number: float) -> float:
    """A float as JSON shows it: money in cents, durations in tenths of a second, anything
    else (a unit price of $0.0000125) to 12 significant digits, which drops the binary noise
    of sums (0.44999999999999996) and keeps every digit a price table holds."""
    if name in _MONEY:
        return round(number, 2)
    if name in _SECONDS:
        return round(number, 1)
    return float(f"{number:.12g}")


def _plain(value: object, name: str = "") -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        plain = {f.name: _plain(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
        if _line_items(plain.get("items")):
            _add_up(plain)
        for derived_name in ("total", "by_capability"):  # derived figures JSON readers need too
            derived = getattr(value, derived_name, None)
            if derived is not None and not isinstance(plain.get(derived_name), float | int | dict):
                plain[derived_name] = _plain(
                    derived() if callable(derived) else derived, derived_name
                )
        return plain
    if isinstance(value, dict):
        return {str(k): _plain(v, name if name in _MONEY else str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        listed = [_plain(v, name) for v in value]
        _redo_deltas(listed)
        return listed
    if isinstance(value, float):
        return _figure(name, value)
    return value


def _line_items(items: object) -> bool:
    return isinstance(items, list) and all(isinstance(i, dict) and "monthly" in i for i in items)


def _add_up(estimate: dict[str, Any]) -> None:
    """Totals of an estimate as a bill shows them: sums of the line items in cents."""
    by_capability: dict[str, float] = {}
    for item in estimate["items"]:
        capability = str(item.get("capability", ""))
        by_capability[capability] = by_capability.get(capability, 0.0) + item["monthly"]
    estimate["total"] = round(sum(i["monthly"] for i in estimate["items"]), 2)
    estimate["by_capability"] = {k: round(v, 2) for k, v in by_capability.items()}


def _redo_deltas(phases: list[object]) -> None:
    """A phase's change from the one before, as the difference of the totals shown."""
    for before, after in itertools.pairwise(phases):
        if not (isinstance(before, dict) and isinstance(after, dict)):
            return
        if after.get("delta") is None or not before.get("estimate") or not after.get("estimate"):
            continue
        after["delta"] = round(after["estimate"]["total"] - before["estimate"]["total"], 2)


def _usd(amount: float) -> str:
    return f"${amount:,.2f}"


def cost_report(env: str, region: str, phases: Sequence[PhaseCost]) -> None:
    """Line items per capability for each phase, then totals, deltas and cheaper choices."""
    built = [p for p in phases if p.estimate is not None]
    for phase_cost in built:
        estimate = phase_cost.estimate
        assert estimate is not None
        grid = Table(
            title=f"{env}, phase {phase_cost.phase}: monthly cost in {region} (730 hours, USD)",
            title_justify="left",
        )
        for column, justify in (
            ("capability", "left"),
            ("line item", "left"),
            ("quantity", "right"),
            ("unit price", "right"),
            ("per month", "right"),
        ):
            grid.add_column(column, justify=justify)  # type: ignore[arg-type]
        for capability, subtotal in estimate.by_capability().items():
            lines = [i for i in estimate.items if i.capability == capability]
            for i in lines:
                flag = "" if i.confirmed else " *"
                grid.add_row(
                    capability,
                    i.item,
                    f"{i.quantity:,.2f} {i.unit}",
                    f"${i.unit_price:g}{flag}",
                    _usd(i.monthly),
                )
                capability = ""
            grid.add_row("", "[bold]subtotal[/]", "", "", f"[bold]{_usd(subtotal)}[/]")
        grid.add_row("", "[bold]total[/]", "", "", f"[bold]{_usd(estimate.total)}[/]")
        _show(grid)
        if estimate.hints:
            out.print("[bold]Cheaper choices[/]")
            for hint in estimate.hints:
                saving = (
                    f"saves about {_usd(hint.saving)}/month" if hint.saving else "saves on traffic"
                )
                out.print(f"  - {hint.message}: {saving}", markup=False)
        if estimate.unconfirmed:
            out.print(
                "  * price not confirmed from an AWS source: " + ", ".join(estimate.unconfirmed),
                markup=False,
            )
    summary = Table(title=f"{env}: total per phase", title_justify="left")
    for column in ("phase", "per month", "change from the phase below"):
        summary.add_column(column, justify="right")
    for phase_cost in phases:
        if phase_cost.estimate is None:
            summary.add_row(str(phase_cost.phase), "cannot be built (see below)", "")
            continue
        delta = phase_cost.delta
        change = "" if delta is None else f"{'+' if delta >= 0 else '-'}{_usd(abs(delta))}"
        summary.add_row(str(phase_cost.phase), _usd(phase_cost.estimate.total), change)
    _show(summary)
    for phase_cost in phases:
        if phase_cost.estimate is None:
            note(f"phase {phase_cost.phase}: {phase_cost.problem}")


def forecast_report(env: str, phase: int, from_phase: int | None, result: Forecast) -> None:
    """Expected wall time, the critical path resource by resource, the floor, needless waits."""
    what = f"update from phase {from_phase}" if from_phase is not None else "create"
    scope = (
        plural(result.resources, "resource")
        if from_phase is None
        else f"{result.counted} of {plural(result.resources, 'resource')} added or changed"
    )
    out.print(f"[bold]{env}, phase {phase} ({what}):[/] about {_duration(result.total)} ({scope})")
    grid = Table(title="critical path", title_justify="left")
    for column, justify in (
        ("starts", "right"),
        ("resource", "left"),
        ("type", "left"),
        ("takes", "right"),
    ):
        grid.add_column(column, justify=justify)  # type: ignore[arg-type]
    for step in result.critical_path:
        grid.add_row(
            _duration(step.start), step.logical_id, step.resource_type, _duration(step.seconds)
        )
    _show(grid)
    if result.cleanup:
        out.print(f"then deleting removed resources: about {_duration(result.cleanup)}")
    out.print(
        f"floor (the slowest chain of Ref/GetAtt/Sub dependencies, which no DependsOn change can "
        f"shorten): {_duration(result.floor)} through "
        + " -> ".join(s.logical_id for s in result.floor_path),
        markup=False,
    )
    for wait in result.needless_waits:
        out.print(
            f"[yellow]needless wait:[/] {wait.waiter} waits {_duration(wait.delay)} on "
            f"{wait.waits_on} ({wait.waits_on_type}) through DependsOn without using it"
        )
    if result.unknown_types:
        note(
            "no typical duration for "
            + ", ".join(result.unknown_types)
            + " (counted as a few seconds)"
        )


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def change_summary(change_set: ChangeSet) -> None:
    """The adds, modifies, replaces and removes of a change set."""
    colours = {"add": "green", "modify": "yellow", "replace": "magenta", "remove": "red"}
    grid = Table(title=f"Changes to {change_set.stack_name}", title_justify="left")
    for column in ("action", "logical id", "type"):
        grid.add_column(column)
    for change in change_set.changes:
        colour = colours[change.kind]
        grid.add_row(f"[{colour}]{change.kind}[/]", change.logical_id, change.resource_type)
    _show(grid)
    counts = ", ".join(f"{change_set.count(k)} {k}" for k in colours)
    out.print(counts, markup=False)
    removal_summary(change_set)
    meaning(change_set)


def removal_summary(change_set: ChangeSet) -> None:
    """What each removal does to its resource, said before it runs."""
    from appstack.deploy.removals import KEPT, SNAPSHOT

    removals = change_set.removals
    for removal in (r for r in removals if r.fate == KEPT):
        out.print(
            f"kept in the account (DeletionPolicy Retain): {removal.label}",
            markup=False,
            emoji=False,
        )
    for removal in (r for r in removals if r.fate == SNAPSHOT):
        out.print(
            f"deleted after a final snapshot (DeletionPolicy Snapshot): {removal.label}; "
            "CloudFormation names the snapshot, its name is shown once it is taken",
            markup=False,
            emoji=False,
        )
    deleted = [r for r in removals if r.fate not in (KEPT, SNAPSHOT)]
    if deleted:
        data = [r.label for r in deleted if r.stateful]
        out.print(
            f"deleted: {plural(len(deleted), 'removed resource')}"
            + (f", with their data: {', '.join(data)}" if data else ", none of them holding data"),
            markup=False,
            emoji=False,
        )
    for removal in (r for r in removals if r.deletion_protected):
        out.print(
            f"{removal.logical_id} has deletion protection: CloudFormation cannot delete it and "
            "would leave it running, out of the stack, with no snapshot. appstack first runs "
            "an update that turns its deletion protection off (nothing else changes), then "
            "this change.",
            markup=False,
        )


def repairs(done: Sequence[str], failed: Sequence[str]) -> None:
    """Protection a command found missing or lowered (an interrupted deploy) and set again."""
    for line in done:
        err.print(f"[yellow]repaired:[/] {escape(line)}", markup=True, emoji=False)
    for line in failed:
        err.print(f"[yellow]! {escape(line)}[/]", markup=True, emoji=False)


def meaning(change_set: ChangeSet) -> None:
    """What the notable changes mean (the classifier's verdicts): kind, effect, safe path."""
    notable = [v for v in change_set.verdicts if v.notable]
    if not notable:
        return
    colours = {"in place": "yellow", "interrupting": "red", "replacing": "magenta"}
    grid = Table(title="What these changes mean", title_justify="left")
    for column in ("kind", "logical id", "what happens", "safe path"):
        grid.add_column(column)
    for v in notable:
        colour = colours.get(v.kind, "bold red")
        grid.add_row(
            f"[{colour}]{v.kind}[/]",
            v.change.logical_id,
            escape(v.effect or "replaced: a new physical id; dependents follow"),
            escape(v.safe_path + (f" (or {v.gate})" if v.gate else "")),
        )
    _show(grid)


def refusal(risks: Sequence[str]) -> None:
    for risk in risks:
        if _markdown:  # part of what the pull request reads
            out.print(f"- ✘ {risk}", markup=False)
        else:
            err.print(f"[red]✘ {escape(risk)}[/]", markup=True)


def progress_bar() -> Any:
    """A rich progress display on stderr: per operation its title, a bar, resources done of
    the total, and the time since it started."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    return RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


class Progress:
    """Live progress of a stack operation: resources done / total, elapsed time, failures."""

    def __init__(self, total: int, title: str) -> None:
        self._bar = progress_bar()
        self._task = self._bar.add_task(title, total=max(total, 1))
        self.event = bar_events(self._bar, self._task)

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:  # ended: full; stopped (Ctrl-C, --timeout): as far as it got
            self._bar.update(self._task, completed=self._bar.tasks[0].total)
        self._bar.stop()


def bar_events(bar: Any, task: Any, prefix: str = "") -> Callable[[Event], None]:
    """What a progress bar does with its operation's events (`prefix` before each line it
    prints): the service's events and stopped tasks as they come (deploy.service_watch),
    failures in red, one step per resource done."""
    done: set[str] = set()

    def on_event(event: Event) -> None:
        if event.status in ("SERVICE_EVENT", "TASK_STOPPED"):
            style = "yellow" if event.status == "TASK_STOPPED" else "dim"
            bar.console.print(f"[{style}]  {escape(prefix + event.reason)}[/]", markup=True)
        elif event.failed:
            line = f"{prefix}{event.logical_id} {event.status}: {event.reason}"
            bar.console.print(f"[red]✘ {escape(line)}[/]", markup=True)
        elif event.status.endswith("_COMPLETE") and event.logical_id not in done:
            done.add(event.logical_id)
            bar.advance(task)

    return on_event


class Activity:
    """Live progress of a step that prints lines (an image build, a push): a spinner, the
    step, the time it has taken and the last line it printed."""

    def __init__(self, title: str) -> None:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[line]}"),
            console=err,
            transient=False,
        )
        self._task = self._bar.add_task(title, total=None, line="")

    def __enter__(self) -> Activity:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.update(self._task, line="")
        self._bar.stop()

    def line(self, text: str) -> None:
        self._bar.update(self._task, line=escape(text.strip()[-80:]))


def outcome(result: Outcome) -> None:
    if result.failure is not None:
        error(
            f"{result.stack_name}: {result.status}\n"
            f"root cause: {result.failure.logical_id} ({result.failure.resource_type}): "
            f"{result.failure.reason}"
        )
    elif result.ok:
        success(f"{result.stack_name}: {result.status}")
    else:
        error(f"{result.stack_name}: {result.status}")
    if result.outputs:
        table("Outputs", ["name", "value"], sorted(result.outputs.items()))
    notices(result)


def deployed(stack: str, result: Outcome | None, output: str) -> None:
    """What a deploy did (None: nothing to change); with `--output json`, printed after the
    document, only its notices."""
    if output == "json":
        if result is not None:
            notices(result)
    elif result is None:
        success(f"{stack}: no changes")
    else:
        outcome(result)


def notices(result: Outcome) -> None:
    """Warnings of an outcome and what the account showed afterwards (with `--output json`
    too: they go to stderr then)."""
    for warning in result.warnings:
        err.print(f"[yellow]! {escape(warning)}[/]", markup=True, emoji=False)
    if result.retained:
        table(
            "Kept in your account (the resource, or its final snapshot)",
            ["resource"],
            [[r] for r in result.retained],
        )
    if result.checked:
        table(
            "Checked in the account after the change", ["resource"], [[c] for c in result.checked]
        )
    if result.left:
        table("Still in the stack", ["resource"], [[r] for r in result.left])


def warning(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {escape(message)}")


def findings(found: Sequence[Finding]) -> None:
    """Findings of checks as a table (id, severity, resource, message, fix)."""
    if found:
        table(
            "Checks",
            ["id", "severity", "resource", "message", "fix"],
            [(f.rule, f.severity, f.resource or "-", f.message, f.fix) for f in found],
        )


def plan_estimates(
    monthly: float | None, delta: float | None, seconds: float, resources: int
) -> None:
    """The cost (None: no price table for the Region) and expected duration of a change set."""
    if monthly is None or delta is None:
        money = "cost: not estimated (no price table for this Region)"
    else:
        sign = "+" if delta >= 0 else "-"
        money = f"cost: ${monthly:,.2f}/month ({sign}${abs(delta):,.2f} from now)"
    changing = plural(resources, "resource")
    out.print(f"{money}; expected duration: {_duration(seconds)} ({changing} to change)")
