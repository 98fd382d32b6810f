"""``chartcode redact``: remove PHI from a note, or put it back with ``--restore``.

Contract: read the note (a file, or ``-`` for standard input), call ``Chartcode.redact`` (or
``services.redact.restore`` with ``--restore``), and write the result: the redacted text on
standard output (replacements highlighted on a terminal), its ``to_dict()`` with ``--json``,
the audit manifest with ``--manifest``, the encrypted originals with ``--mapping``. A summary
goes to standard error. Errors are ``ChartcodeError``s, mapped by ``chartcode.cli.main.run``.
Nothing of the original text is logged or shown except the note itself on ``--restore``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chartcode.cli.inputs import read_text

if TYPE_CHECKING:
    from rich.console import Console

    from chartcode.services.redact import RedactionResult

KEY_ENV = "CHARTCODE_REDACT_KEY"


def redact_command(
    file: Annotated[str, typer.Argument(help="The note: a text file, or - for standard input.")],
    style: Annotated[
        str,
        typer.Option(
            "--style",
            "-s",
            help="tag ([NAME], [DATE] ...), mask (same-length blocks) or surrogate.",
        ),
    ] = "tag",
    json_: Annotated[bool, typer.Option("--json", help="Print text and entities as JSON.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the text here, not to stdout.")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(help="Write an audit manifest (types, offsets, counts, value hashes) here."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help="Reversible mode: the encrypted originals are written (or read) here."),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help=f"Your key for --mapping and keyed manifest hashes (made if missing; or set "
            f"${KEY_ENV} to the key itself)."
        ),
    ] = None,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put the originals back into a redacted FILE.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="List each redaction and the rule that found it.")
    ] = False,
    mask_char: Annotated[str, typer.Option(help="The mask style's character.")] = "█",
    zip3: Annotated[
        bool,
        typer.Option("--zip3/--no-zip3", help="Keep the three ZIP digits Safe Harbor allows."),
    ] = True,
    seed: Annotated[
        int | None, typer.Option(help="Repeatable surrogates (demos, tests); random by default.")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Reference store whose code-set words are protected (default: if it exists).",
            envvar="CHARTCODE_STORE",
        ),
    ] = None,
) -> None:
    """Remove the 18 HIPAA Safe Harbor identifiers from a note, keeping its clinical words."""
    from chartcode.cli.main import err, out

    text = read_text(file)
    if restore:
        from chartcode.services.redact import restore as restore_text

        _write(out, restore_text(text, _read_mapping(mapping), _key(key_file, False)), output)
        return
    from chartcode.api import Chartcode

    result = Chartcode(store).redact(text, style, seed=seed, mask_char=mask_char, keep_zip3=zip3)
    user_key = _key(key_file, create=mapping is not None) if mapping or key_file else None
    _save(result, manifest, mapping, user_key)
    if json_:
        from chartcode.cli.render import print_json

        print_json(out, result.to_dict())
    else:
        _write(out, result, output)
        err.print(_summary(result), highlight=False, soft_wrap=True)
    if explain:
        err.print(_explain_table(result))


def _key(key_file: Path | None, create: bool) -> bytes:
    """The user's key: from --key-file (made there if missing and ``create``), or the env."""
    from chartcode.errors import InvalidInput

    if key_file is None:
        env = os.environ.get(KEY_ENV)
        if not env:
            raise InvalidInput(f"reversible redaction needs --key-file PATH or ${KEY_ENV}")
        return env.encode("ascii")
    if not key_file.exists():
        if not create:
            raise InvalidInput(f"no key file at {key_file}")
        from chartcode.cli.main import err
        from chartcode.services.redact import new_key

        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(new_key() + b"\n")
        err.print(f"[dim]New key written to {key_file}: keep it; without it --restore fails.[/dim]")
    return key_file.read_bytes().strip()


def _read_mapping(mapping: Path | None) -> bytes:
    from chartcode.errors import InvalidInput

    if mapping is None or not mapping.is_file():
        raise InvalidInput("--restore needs --mapping PATH, the file written when redacting")
    return mapping.read_bytes()


def _save(
    result: RedactionResult, manifest: Path | None, mapping: Path | None, key: bytes | None
) -> None:
    if manifest is not None:
        manifest.write_text(json.dumps(result.manifest(key), indent=2) + "\n", encoding="utf-8")
    if mapping is not None and key is not None:
        mapping.write_bytes(result.sealed_mapping(key))


def _write(out: Console, result: RedactionResult | str, output: Path | None) -> None:
    """The text to a file or stdout; on a terminal, replacements are highlighted."""
    text = result if isinstance(result, str) else result.text
    if output is not None:
        output.write_text(text, encoding="utf-8")
    elif out.is_terminal and not isinstance(result, str):
        out.print(_highlighted(result), soft_wrap=True)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _highlighted(result: RedactionResult) -> object:
    """The redacted text with each replacement shown in reverse video."""
    from rich.text import Text

    text = Text(result.text)
    for e in result.entities:
        text.stylize("reverse", e.text_start, e.text_end)
    return text


def _summary(result: RedactionResult) -> str:
    counts = result.counts()
    if not counts:
        return "No identifiers found."
    kinds = ", ".join(f"{k} {n}" for k, n in counts.items())
    return f"Redacted {sum(counts.values())} identifiers ({result.style}): {kinds}."


def _explain_table(result: RedactionResult) -> object:
    from rich.table import Table

    table = Table("type", "original offsets", "output offsets", "rule", "score")
    for e in result.entities:
        table.add_row(
            e.type,
            f"{e.start}-{e.end}",
            f"{e.text_start}-{e.text_end}",
            e.rule_id,
            f"{e.score:.2f}",
        )
    return table
