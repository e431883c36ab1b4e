"""The layers are a rule, not a hope: import-linter checks the contracts written in
pyproject.toml (the layers, a core without Typer or Rich, no import cycles)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout and " KEPT" in out.stdout


def test_no_named_tuple_is_declared_under_postponed_annotations():
    """`typing.NamedTuple` turns each field's annotation into a type when its class is made;
    under `from __future__ import annotations` every annotation is a string, which it compiles
    (a `ForwardRef` per field). The first such compile costs a command about as much as
    importing `typing`, on every start of `expect` (the prompt path included). A module that
    declares a NamedTuple therefore keeps its annotations evaluated."""
    import ast

    offenders = []
    for path in sorted((ROOT / "src" / "expectcli").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        postponed = any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
                        and any(alias.name == "annotations" for alias in node.names) for node in tree.body)  # fmt: skip
        named = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                 and any(ast.unparse(base) in ("NamedTuple", "typing.NamedTuple") for base in node.bases)]  # fmt: skip
        if postponed and named:
            offenders.append(f"{path.relative_to(ROOT)}: {', '.join(named)}")
    assert not offenders, offenders


def test_the_prompt_path_compiles_no_annotation(cli):
    """`due --count` reads the ledger without compiling any source text but the one line
    each namedtuple is made of (no annotation turned into a type)."""
    probe = (
        "import sys\n"
        "def hook(event, args):\n"
        "    if event == 'compile' and not str(args[0]).startswith(\"b'lambda _cls\"):\n"
        "        print('compiled', str(args[0])[:80], file=sys.stderr)\n"
        "sys.addaudithook(hook)\n"
        "sys.argv = ['expect', 'due', '--count']\n"
        "from expectcli.__main__ import main\n"
        "main()\n"
    )
    cli.promise(due="2026-11-24", now="2026-11-20T10:00:00+01:00")  # overdue: the count has something to say
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                         env={**os.environ, **cli.env()})  # fmt: skip
    assert (out.returncode, out.stdout) == (1, "1 overdue\n"), out.stderr
    assert "compiled" not in out.stderr, out.stderr
