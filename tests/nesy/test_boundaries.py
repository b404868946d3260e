"""Dependencies point one way: ``nesy`` imports no formalism package, no server, no benchmarks,
no train; and no module of any package reads the environment at import (issue 13).

``nesy``'s CLI gets the subcommands of ``server``, ``benchmarks`` and ``train`` through the
``nesy.commands`` entry points, so there is no exception to allow here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"planners", "logic", "kb", "server", "benchmarks", "train", "fastapi"}
PACKAGES = ["nesy", "planners", "logic", "kb", "server", "benchmarks", "train"]


def _modules(*packages: str) -> list[Path]:
    files = sorted(f for p in packages for f in (ROOT / p).rglob("*.py"))
    assert files, packages
    return files


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import statement (at any depth) or a literal dynamic import names."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                out.append((node.lineno, node.args[0].value))
    return out


def test_nesy_imports_no_formalism_server_benchmarks_or_train() -> None:
    bad = [
        f"{f.relative_to(ROOT)}:{line}: {name}"
        for f in _modules("nesy")
        for line, name in _imported(ast.parse(f.read_text(), str(f)))
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not bad, "nesy must find these through entry points, never import them:\n" + "\n".join(bad)


def test_the_import_scan_sees_nested_and_dynamic_imports() -> None:
    src = "def f():\n    import planners.backend\n    from kb import x\n    __import__('train.cli')\n"
    names = [n for _, n in _imported(ast.parse(src))]
    assert names == ["planners.backend", "kb", "train.cli"]


_ENV = {"environ", "environb", "getenv", "getenvb"}


def _reads_env(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr in _ENV:
        return True
    if isinstance(node, ast.Call):  # Settings() reads the NESY_ environment when built
        f = node.func
        return (isinstance(f, ast.Name) and f.id in _ENV | {"Settings"}) or (
            isinstance(f, ast.Attribute) and f.attr == "Settings"
        )
    return False


def _import_time_env_reads(tree: ast.Module) -> list[int]:
    """Lines that read the environment when the module is imported: outside any function body,
    or in a default argument or decorator (evaluated when the ``def`` runs)."""
    lines: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            eager: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
            if not isinstance(node, ast.Lambda):
                eager += node.decorator_list
            lines.extend(x.lineno for e in eager for x in ast.walk(e) if _reads_env(x))
            return  # the body runs when called
        if _reads_env(node):
            lines.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return lines


def test_no_module_reads_the_environment_at_import() -> None:
    bad = [
        f"{f.relative_to(ROOT)}:{line}"
        for f in _modules(*PACKAGES)
        for line in _import_time_env_reads(ast.parse(f.read_text(), str(f)))
    ]
    assert not bad, "read the environment at run time (nesy.settings.Settings, passed in):\n" + "\n".join(bad)


def test_the_env_scan_sees_module_level_reads_and_defaults() -> None:
    src = (
        "import os\nA = os.environ.get('A')\ndef f(b=os.getenv('B')):\n    return os.environ['C']\n"
        "class K:\n    s = Settings()\n"
    )
    assert sorted(set(_import_time_env_reads(ast.parse(src)))) == [2, 3, 6]


@pytest.mark.parametrize("missing", [["train"], ["train", "server", "benchmarks"]])
def test_nesy_cli_works_without_the_packages_that_add_subcommands(missing: list[str]) -> None:
    """A package that is absent only takes its subcommands with it."""
    code = f"""
import sys
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {missing!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}")
sys.meta_path.insert(0, Absent())
from typer.testing import CliRunner
from nesy.cli import app
r = CliRunner().invoke(app, ["--help"])
assert r.exit_code == 0, r.output
import typer.main
print(" ".join(typer.main.get_command(app).commands))
assert not any(m in sys.modules for m in {missing!r})
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    names = out.stdout.split()
    assert "ask" in names and "backends" in names
    assert "train" not in names
    if "server" not in missing:
        assert "serve" in names


def test_nesy_train_is_offered_where_train_is_installed() -> None:
    from typer.testing import CliRunner

    from nesy.cli import app

    r = CliRunner().invoke(app, ["train", "--help"])
    assert r.exit_code == 0, r.output
    assert "--formalism" in r.output
