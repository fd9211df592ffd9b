#!/usr/bin/env python3
"""report_identity.py capture COMMIT FOLDER | compare BEFORE AFTER

The byte-identity check of issue 12: the report JSON of the demo and of the 50,000-people workbook must
be the same before and after a change.

`capture COMMIT FOLDER` checks COMMIT out as a `git worktree` in the temporary folder (the working tree
this script lives in is never touched), runs that checkout's code with this repository's virtualenv
(its `src` first on PYTHONPATH), and builds two SQLite databases there: the demo (`phoihop demo`) and the
large workbook (that checkout's `bench/make_big_workbook.py`, 50,000 people, fixed seed, then
`phoihop import`). For each database it writes `phoihop report --format json` for the cases in `CASES`
to FOLDER/<database>/<case>.json (a case the data cannot answer is kept as its error text and exit
status, so that it too is compared), plus FOLDER/workbook.sha256 (the hash of the generated CSV files).

`compare BEFORE AFTER` compares two such folders file by file, ignoring only the report's `generated_at`;
it prints each difference and exits 1 when there is one, 0 when every report is the same. A different
workbook hash is printed as a note, not counted: the reports are what must not change (the CSV files
may gain a declared column that every row leaves empty).

    .venv/bin/python bench/report_identity.py capture 2697c5c /tmp/team/report-before
    .venv/bin/python bench/report_identity.py capture HEAD /tmp/report-after
    .venv/bin/python bench/report_identity.py compare /tmp/team/report-before /tmp/report-after
    .venv/bin/python bench/report_identity.py capture - /tmp/report-now --checkout /tmp/my-worktree
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
PEOPLE = 50_000
IGNORED = {"generated_at"}

# name → arguments of `phoihop report` (besides --format json)
CASES = {
    "ctph-2017-2020": ["--program", "CTPH-2017-2020"],
    "ctph-2017-2020-batxat": ["--program", "CTPH-2017-2020", "--scope", "LDLD-H-BATXAT"],
    "ctph-2017-2020-duk": ["--program", "CTPH-2017-2020", "--scope", "DUK-LC"],
    "ctph-2017-2020-ldld-lc": ["--program", "CTPH-2017-2020", "--scope", "LDLD-LC"],
    "ctph-2017-2020-2019": ["--program", "CTPH-2017-2020", "--from", "2019-01-01", "--to", "2019-12-31"],
    "ctph-2021-2025": ["--program", "CTPH-2021-2025"],
    "ctph-2021-2025-batxat": ["--program", "CTPH-2021-2025", "--scope", "LDLD-H-BATXAT"],
    "ctph-2021-2025-approved": ["--program", "CTPH-2021-2025", "--approved-only"],
    # the large workbook's own codes (the demo answers these with its error text, compared too)
    "ctph-2017-2020-duk-t": ["--program", "CTPH-2017-2020", "--scope", "DUK-T"],
    "ctph-2021-2025-ldld-t": ["--program", "CTPH-2021-2025", "--scope", "LDLD-T"],
    "ctph-2021-2025-hu-batxat": ["--program", "CTPH-2021-2025", "--scope", "HU-BATXAT"],
}


def run(command: list, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], env=env, text=True, **kwargs)


def phoihop(env: dict) -> list:  # noqa: ARG001 — the checkout comes with env's PYTHONPATH
    return [PYTHON, "-c", "import sys; from phoihop.cli import main; sys.exit(main())"]


def checkout(commit: str, place: Path) -> Path:
    tree = place / "tree"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
        check=True,
        capture_output=True,
    )
    return tree


def environment(tree: Path, data: Path, name: str) -> dict:
    data.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PHOIHOP_PRODUCTION", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "PYTHONPATH": str(tree / "src"),
        "PHOIHOP_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / (name + '.sqlite3')}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return env


def reports(env: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for case, arguments in CASES.items():
        done = run([*phoihop(env), "report", *arguments, "--format", "json"], env, capture_output=True)
        if done.returncode == 0:
            (out / f"{case}.json").write_text(done.stdout, encoding="utf-8")
        else:
            (out / f"{case}.error.txt").write_text(
                f"exit {done.returncode}\n{done.stdout}{done.stderr}", encoding="utf-8"
            )
        print(f"  {out.name}/{case}: exit {done.returncode}", flush=True)


def capture(commit: str, folder: Path, *, checkout_at: Path | None = None) -> None:
    """`checkout_at`: an existing checkout to run instead of a new worktree of `commit` (work not yet
    committed); its commit and `git status` are recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    place = Path(tempfile.mkdtemp(prefix="report-identity-"))
    tree = checkout_at.resolve() if checkout_at else checkout(commit, place)
    try:
        sha = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(tree), "status", "--short"], capture_output=True, text=True
        ).stdout
        (folder / "commit.txt").write_text(sha + "\n" + status, encoding="utf-8")
        print(f"commit {sha} in {tree}", flush=True)

        env = environment(tree, place / "demo", "demo")
        run([*phoihop(env), "migrate", "-v0"], env, check=True)
        done = run([*phoihop(env), "demo"], env, capture_output=True)
        if done.returncode != 0:
            said = (done.stdout + done.stderr).strip().splitlines()
            sys.exit(f"phoihop demo failed (exit {done.returncode}):\n" + "\n".join(said[-5:]))
        reports(env, folder / "demo")

        workbook = place / "workbook-50k"
        env = environment(tree, place / "big", "big")
        run([PYTHON, tree / "bench" / "make_big_workbook.py", workbook, "--people", PEOPLE], env, check=True)
        digest = hashlib.sha256()
        for path in sorted(workbook.glob("*.csv")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        (folder / "workbook.sha256").write_text(digest.hexdigest() + "\n", encoding="utf-8")
        run([*phoihop(env), "migrate", "-v0"], env, check=True)
        done = run([*phoihop(env), "import", workbook], env, capture_output=True)
        if done.returncode != 0:  # say why (the last lines name the rows refused), then stop
            said = (done.stdout + done.stderr).strip().splitlines()
            sys.exit(
                f"phoihop import of {workbook} refused (exit {done.returncode}):\n" + "\n".join(said[-5:])
            )
        reports(env, folder / "big")
    finally:
        if not checkout_at:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], capture_output=True
            )
        shutil.rmtree(place, ignore_errors=True)


def without_ignored(value):
    if isinstance(value, dict):
        return {k: without_ignored(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [without_ignored(v) for v in value]
    return value


def first_difference(a, b, where="$"):
    if type(a) is not type(b):
        return f"{where}: {a!r} ≠ {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'after' if key not in a else 'before'}"
            found = first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items ≠ {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r} ≠ {b!r}"


def compare(before: Path, after: Path) -> int:
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    differences = same = 0
    for name in names:
        if name.name == "commit.txt":
            continue
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"DIFFERENT {name}: only in {'before' if a.exists() else 'after'}")
            differences += 1
            continue
        text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
        if name.suffix == ".json":
            json_a, json_b = json.loads(text_a), json.loads(text_b)
            stripped_a, stripped_b = without_ignored(json_a), without_ignored(json_b)
            # byte identity of everything but generated_at: the re-serialised texts must be equal too
            if stripped_a == stripped_b and _bytes_without_generated(text_a) == _bytes_without_generated(
                text_b
            ):
                same += 1
                continue
            print(f"DIFFERENT {name}: {first_difference(stripped_a, stripped_b) or 'bytes differ'}")
        elif text_a == text_b:
            same += 1
            continue
        elif name.name == "workbook.sha256":  # the input, not a report: said, not counted
            print("NOTE the generated 50,000-people workbook's CSV bytes differ (columns or rows)")
            continue
        else:
            print(f"DIFFERENT {name}")
        differences += 1
    print(f"{same} files the same, {differences} different")
    return 1 if differences else 0


def _bytes_without_generated(text: str) -> str:
    """The file's text with the value of every `"generated_at": "…"` blanked (byte comparison)."""
    return re.sub(r'("generated_at":\s*)"[^"]*"', r'\1""', text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("capture")
    one.add_argument("commit")
    one.add_argument("folder", type=Path)
    one.add_argument("--checkout", type=Path, help="run this existing checkout instead (commit ignored)")
    two = commands.add_parser("compare")
    two.add_argument("before", type=Path)
    two.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.commit, args.folder, checkout_at=args.checkout)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
