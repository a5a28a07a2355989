"""Every `appstack ...` command line the README shows parses with the real command line, so the
README and the CLI cannot drift apart.

A synopsis is expanded into the command lines it stands for: `[--phase N]` with and without the
option, `a|b` once per choice, ` | ` between two forms once per form, and placeholders (STACK,
ENV, N, FILE, ...) replaced by a value of their kind. Parsing runs click's parser only (no
command runs): an unknown option, a missing value or a value of the wrong type fails the test.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from appstack.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"

#: What each placeholder of the README stands for: a value click accepts for it.
PLACEHOLDERS = {
    "STACK": "myapp-dev",
    "ENV": "dev",
    "N": "2",
    "M": "1",
    "FILE": "appstack.yaml",
    "DIR": "build",
    "PATH": "appstack.yaml",
    "ID": "Table",
    "LOGICAL_ID": "Table",
    "P": "default",
    "R": "us-east-1",
    "X": "0.5",
    "COMMAND": "synth",
}
_ALSO_TAKES = re.compile(r"every command above also takes (.*)$")


def code_lines() -> Iterator[tuple[int, str]]:
    """(line number, command line) for each `appstack` command in the README's code blocks,
    continuation lines joined and "every command above also takes ..." applied."""
    in_block = False
    block: list[tuple[int, str]] = []
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            if in_block:
                yield from block
                block = []
            in_block = not in_block
            continue
        if not in_block:
            continue
        command, _, comment = line.partition("#")
        also = _ALSO_TAKES.search(comment.strip())
        if also:
            block = [(n, f"{c} {also.group(1)}") for n, c in block]
        elif command.strip().startswith("appstack "):
            block.append((number, command.strip()))
        elif block and command.strip().startswith(("[", "-")):
            first, previous = block[-1]
            block[-1] = (first, f"{previous} {command.strip()}")
    yield from block


def inline_commands() -> Iterator[tuple[int, str]]:
    """(line number, command) for each `appstack ...` code span in the README's prose."""
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        for span in re.findall(r"`(appstack [a-z-][^`]*)`", line):
            yield number, span


def _tokens(text: str) -> list[str]:
    """Words, with each [...] group (brackets nest) kept as one token."""
    tokens, depth, word = [], 0, ""
    for char in text:
        if char == " " and depth == 0:
            if word:
                tokens.append(word)
            word = ""
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        word += char
    return [*tokens, word] if word else tokens


def _forms(text: str) -> list[str]:
    """`A | B` (at the top level): the command words with A, and with B."""
    parts = [p.strip() for p in re.split(r" \| (?![^\[]*\])", text)]
    if len(parts) == 1:
        return parts
    words = list(itertools.takewhile(lambda t: re.fullmatch(r"[a-z|]+", t), parts[0].split()))
    return [parts[0], *(" ".join([*words, p]) for p in parts[1:])]


def _choices(token: str) -> list[list[str]]:
    """The argument lists one token stands for."""
    if token.startswith("[") and token.endswith("]"):
        lists: list[list[str]] = [[]]  # the group left out
        for form in re.split(r" \| ", token[1:-1]):
            for combo in itertools.product(*(_choices(t) for t in _tokens(form))):
                lists.append(list(itertools.chain.from_iterable(combo)))
        return lists
    if token == "...":
        return [[]]
    choices = []
    for choice in token.split("|"):
        if choice.startswith("."):  # FILE.mmd|.png|.svg
            choice = token.split(".")[0] + choice
        stem, dot, suffix = choice.partition(".")
        if stem not in PLACEHOLDERS:
            choices.append([choice])
        elif dot:
            choices.append([f"{Path(PLACEHOLDERS[stem]).stem}.{suffix}"])
        else:
            choices.append([PLACEHOLDERS[stem]])
    return choices


def expand(synopsis: str) -> list[list[str]]:
    """The concrete command lines (without `appstack`) a README synopsis stands for: each
    choice of each token once, the others at their fullest."""
    lines: list[list[str]] = []
    for form in _forms(synopsis):
        tokens = _tokens(form)[1:]  # without "appstack"
        options = [_choices(t) for t in tokens]
        fullest = [o[-1] if len(o) > 1 and o[0] == [] else o[0] for o in options]
        lines.append(list(itertools.chain.from_iterable(fullest)))
        for i, choices in enumerate(options):
            for choice in choices:
                picked = [*fullest[:i], choice, *fullest[i + 1 :]]
                line = list(itertools.chain.from_iterable(picked))
                if line not in lines:
                    lines.append(line)
    return lines


def parse(argv: list[str]) -> None:
    """Parse `appstack argv` as the CLI would, running nothing."""
    command: click.Command = cli
    parent = None
    name = "appstack"
    args = list(argv)
    while True:
        try:
            ctx = command.make_context(name, args, parent=parent)
        except click.exceptions.Exit as done:  # --help, --version
            assert done.exit_code == 0
            return
        if not isinstance(command, click.Group):
            return
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            return
        found_name, found, args = command.resolve_command(ctx, rest)
        assert found is not None and found_name is not None
        command, parent, name = found, ctx, found_name


CODE = list(code_lines())
INLINE = list(inline_commands())


def test_the_readme_shows_the_commands_it_is_read_for() -> None:
    shown = {line.split()[1] for _, line in CODE}
    assert {"deploy", "rollback", "synth", "local", "cost", "diagram"} <= shown
    assert len(INLINE) > 10


@pytest.mark.parametrize(("line", "synopsis"), CODE, ids=[f"line{n}" for n, _ in CODE])
def test_every_command_line_in_the_readme_code_blocks_parses(
    line: int, synopsis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(README.parent)  # paths the README names (docs/...) are the repo's
    for argv in expand(synopsis):
        try:
            parse(argv)
        except click.UsageError as exc:
            pytest.fail(f"README line {line}: appstack {' '.join(argv)}: {exc.format_message()}")


@pytest.mark.parametrize(("line", "span"), INLINE, ids=[f"line{n}" for n, _ in INLINE])
def test_every_command_the_readme_prose_names_parses(
    line: int, span: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prose may name a command without its arguments (`appstack deploy`); what it names
    must exist, and an option it shows must be the command's."""
    monkeypatch.chdir(README.parent)
    for argv in expand(span):
        try:
            parse(argv)
        except click.MissingParameter as exc:
            if exc.param is None or exc.param.param_type_name != "argument":
                pytest.fail(f"README line {line}: appstack {' '.join(argv)}: {exc}")
        except click.UsageError as exc:
            pytest.fail(f"README line {line}: appstack {' '.join(argv)}: {exc.format_message()}")


@pytest.mark.parametrize(
    ("synopsis", "expected"),
    [
        ("appstack synth ENV [--phase N]", [["synth", "dev", "--phase", "2"], ["synth", "dev"]]),
        (
            "appstack local start|stop [-o FILE.mmd|.png]",
            [
                ["local", "start", "-o", "appstack.png"],
                ["local", "stop", "-o", "appstack.png"],
                ["local", "start"],
                ["local", "start", "-o", "appstack.mmd"],
            ],
        ),
        (
            "appstack validate ENV | --all [--no-scan]",
            [["validate", "dev"], ["validate", "--all", "--no-scan"], ["validate", "--all"]],
        ),
    ],
)
def test_a_synopsis_expands_into_the_command_lines_it_stands_for(
    synopsis: str, expected: list[list[str]]
) -> None:
    assert sorted(expand(synopsis)) == sorted(expected)


def test_a_refused_short_form_fails_the_parse() -> None:
    with pytest.raises(click.NoSuchOption):
        parse(["synth", "dev", "-x", "build"])


def short_forms() -> dict[str, str]:
    """The README's "Short forms:" sentence as {long: short}."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    sentence = re.search(r"Short forms: (.*?)\.(?: |$)", text)
    assert sentence, "the README lists its short forms"
    return {long: short for short, long in re.findall(r"`(-\w)` for `(--[\w-]+)`", sentence[1])}


def every_command(
    group: click.Group, path: str = "appstack"
) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            yield from every_command(command, f"{path} {name}")
        else:
            yield f"{path} {name}", command


def test_every_short_form_the_readme_names_works_on_every_command_with_the_long_form() -> None:
    forms = short_forms()
    assert forms == {"--phase": "-p", "--yes": "-y", "--config": "-c", "--out": "-o"}
    missing = [
        f"{path}: {long} without {short}"
        for path, command in every_command(cli)
        for param in command.params
        for long, short in forms.items()
        if long in param.opts and short not in param.opts
    ]
    assert not missing
