"""`nesy ask` refuses out-of-range options with a usage error naming the option (issue 16)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from nesy.cli import app


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--samples", "0"], "--samples"),
        (["--repairs", "-1"], "--repairs"),
        (["--timeout", "-1"], "--timeout"),
        (["--timeout", "0"], "--timeout"),
        (["--mode", "foo"], "--mode"),
    ],
)
def test_ask_rejects_bad_options(args: list[str], option: str) -> None:
    # The LLM URL points nowhere: a run that got past option parsing would fail differently.
    result = CliRunner().invoke(app, ["ask", *args, "--llm", "http://127.0.0.1:9", "Is Tom an animal?"])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output, result.output


def test_ask_names_an_unknown_kind_and_the_known_ones() -> None:
    # a kind is a backend's name, checked against the registry (not a closed list)
    result = CliRunner().invoke(app, ["ask", "--kind", "foo", "--llm", "http://127.0.0.1:9", "Is Tom an animal?"])
    assert result.exit_code == 2, result.output
    assert "unknown backend 'foo'" in result.output and "logic" in result.output, result.output


def test_generate_rejects_zero_tokens() -> None:
    result = CliRunner().invoke(app, ["generate", "--max-tokens", "0", "--llm", "http://127.0.0.1:9", "hi"])
    assert result.exit_code == 2 and "'--max-tokens'" in result.output, result.output
