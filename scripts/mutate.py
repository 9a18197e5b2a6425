"""Mutation testing of the six core modules, each against its own tests (`make mutate`; issue 28).

Each module is mutated by mutmut 3 in its own copy of the tree under ``var/mutation/<module>/``
(mutmut keeps its ``mutants/`` folder and its results there), with ``only_mutate`` naming the
module's files and the test selection naming the module's test files, on SQLite. The surviving
mutants, with their diffs, are written to ``var/mutation/report.md``.

    python scripts/mutate.py                 # all six
    python scripts/mutate.py rules payments  # some
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst  # mutmut's own dependency

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "mutation"
# The packages a test run imports (copied unmutated into mutmut's folder): every top-level
# Python package of the project, so a new app is never left out.
PACKAGES = sorted(
    path.name
    for path in ROOT.iterdir()
    if (path / "__init__.py").exists() and path.name not in {"tests", "scripts", "var"}
)
# module -> (files to mutate, the tests that guard them)
MODULES = {
    "rules": (
        ["eligibility/rules/program.py"],
        ["tests/eligibility/test_rules.py", "tests/eligibility/test_request_types.py"],
    ),
    "engine": (
        ["eligibility/rules/engine.py"],
        [
            "tests/eligibility/test_rules.py",
            "tests/eligibility/test_request_types.py",
            "tests/eligibility/test_site_facts_in.py",
        ],
    ),
    "payments": (["payments/services.py"], ["tests/payments"]),
    "permissions": (
        ["enrollment/permissions.py"],
        [
            # The matrix (tests/security/test_permission_matrix.py, every URL as every role)
            # takes minutes a mutant; these call the same functions directly.
            "tests/enrollment/test_permissions.py",
            "tests/security/test_revoked_contractor.py",
        ],
    ),
    "calendar": (
        ["common/business_days.py", "scheduling/calendar.py"],
        [
            "tests/scheduling/test_calendar.py",
            "tests/enrollment/test_target_date.py",
            "tests/scheduling/test_utility_closures.py",
        ],
    ),
    "planner": (
        ["scheduling/planner.py", "scheduling/feasibility.py"],
        [
            "tests/scheduling/test_planner.py",
            "tests/scheduling/test_planner_rules.py",
            "tests/scheduling/test_planner_targets.py",
            "tests/scheduling/test_planner_parts.py",
            "tests/scheduling/test_planner_quality.py",
        ],
    ),
}
# Appended to the copy's tests/conftest.py: every test session (mutmut runs one a mutant) starts
# from a private copy of a database migrated once, instead of migrating SQLite again (~95 % of a
# payments mutant's time). pytest-django documents overriding ``django_db_setup`` for this.
# Without MUTATE_DB_TEMPLATE (a mutant judged again on PostgreSQL) pytest-django's own applies.
FAST_DATABASE = """

if os.environ.get("MUTATE_DB_TEMPLATE"):

    @pytest.fixture(scope="session")
    def django_db_setup():
        \"\"\"A copy of the migrated template (``MUTATE_DB_TEMPLATE``) for this session alone.\"\"\"
        import shutil

        from django.db import connections

        connection = connections["default"]
        copy = f"{os.environ['MUTATE_DB_TEMPLATE']}.{os.getpid()}"
        shutil.copyfile(os.environ["MUTATE_DB_TEMPLATE"], copy)
        connection.close()
        connection.settings_dict["NAME"] = copy
        yield
        connection.close()
        os.remove(copy)
"""
IGNORE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "mutants", "media", "staticfiles", "node_modules", "vendor"
)


class _Undecorate(cst.CSTTransformer):
    """``@d def f`` becomes ``def f`` then ``f = d(f)``: mutmut 3 leaves decorated functions alone.

    Same meaning (the decorator runs once, right after the definition, in the same order), so the
    rules (``@rule``), ``@transaction.atomic`` services, properties and caches get mutated too.
    """

    KEEP = ("staticmethod", "classmethod")

    def _split(self, body):
        out = []
        for statement in body:
            if (
                isinstance(statement, cst.FunctionDef)
                and statement.decorators
                and not any(
                    isinstance(d.decorator, cst.Name) and d.decorator.value in self.KEEP
                    for d in statement.decorators
                )
            ):
                wrapped = statement.name
                for decorator in reversed(statement.decorators):
                    wrapped = cst.Call(func=decorator.decorator, args=[cst.Arg(wrapped)])
                out.append(statement.with_changes(decorators=[]))
                target = cst.AssignTarget(statement.name)
                out.append(cst.SimpleStatementLine([cst.Assign(targets=[target], value=wrapped)]))
            else:
                out.append(statement)
        return out

    def leave_Module(self, original, updated):
        return updated.with_changes(body=self._split(updated.body))

    def leave_IndentedBlock(self, original, updated):
        return updated.with_changes(body=self._split(updated.body))


def undecorate(path: Path) -> None:
    path.write_text(cst.parse_module(path.read_text()).visit(_Undecorate()).code)


def _toml_list(items):
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def prepare(name: str) -> Path:
    """A fresh copy of the sources and tests, with this module's [tool.mutmut] in its pyproject."""
    files, tests = MODULES[name]
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for package in [*PACKAGES, "tests", "templates", "static", "locale"]:
        if (ROOT / package).exists():
            shutil.copytree(ROOT / package, work / package, ignore=IGNORE, symlinks=True)
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=IGNORE)
    for path in files:
        undecorate(work / path)
    with (work / "tests" / "conftest.py").open("a") as conftest:
        conftest.write(FAST_DATABASE)
    pyproject = (ROOT / "pyproject.toml").read_text()
    tests = [test for test in tests if (ROOT / test).exists()]
    pyproject += f"""
[tool.mutmut]
source_paths = {_toml_list(PACKAGES)}
only_mutate = {_toml_list(files)}
also_copy = ["templates", "static", "locale", "docs", "manage.py"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "-m", "not integration and not e2e"]
pytest_add_cli_args_test_selection = {_toml_list(tests)}
# A mutant's run copies a migrated database (FAST_DATABASE); the margin is for a loaded machine.
timeout_constant = 60.0
timeout_multiplier = 3.0
# Words shown to people (messages, log lines, docstrings) are not behaviour the tests should pin.
do_not_mutate_patterns = ['^\\s*[rbf]?"', '\\b_\\(', 'gettext', 'logger\\.', 'ngettext']
"""
    (work / "pyproject.toml").write_text(pyproject)
    return work


def _mutmut(mutmut, *args, cwd, env, log=None):
    output = {"stdout": log, "stderr": subprocess.STDOUT} if log else {"capture_output": True}
    return subprocess.run([mutmut, *args], cwd=cwd, env=env, text=True, check=False, **output)  # noqa: S603 (mutmut, fixed arguments)


def run(name: str, mutmut: str, max_children: int) -> dict:
    work = prepare(name)
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
    }
    env.pop("DATABASE_URL")
    env.pop("REDIS_URL")
    template = work / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=work,
        env={**env, "DATABASE_URL": f"sqlite:///{template}"},
        check=True,
    )
    env["MUTATE_DB_TEMPLATE"] = str(template)
    log = (OUT / f"{name}.log").open("w")
    _mutmut(mutmut, "run", "--max-children", str(max_children), cwd=work, env=env, log=log)
    results = _mutmut(mutmut, "results", "--all", "true", cwd=work, env=env)
    counts: dict = {}
    survivors = []
    for line in results.stdout.splitlines():
        if ":" not in line:
            continue
        mutant, status = (part.strip() for part in line.rsplit(":", 1))
        counts[status] = counts.get(status, 0) + 1
        if status == "survived":
            diff = _mutmut(mutmut, "show", mutant, cwd=work, env=env).stdout
            survivors.append((mutant, diff))
    return {"counts": counts, "survivors": survivors}


def write_report(results: dict) -> None:
    lines = [
        "# Surviving mutants",
        "",
        "| module | mutants | killed | survived | other |",
        "|---|---|---|---|---|",
    ]
    for name, result in results.items():
        counts = result["counts"]
        total = sum(counts.values())
        killed = counts.get("killed", 0)
        survived = counts.get("survived", 0)
        other = ", ".join(f"{k} {v}" for k, v in counts.items() if k not in ("killed", "survived"))
        lines.append(f"| {name} | {total} | {killed} | {survived} | {other} |")
    for name, result in results.items():
        lines += ["", f"## {name}", ""]
        for mutant, diff in result["survivors"]:
            lines += [f"### {mutant}", "", "```diff", diff.strip(), "```", ""]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--mutmut", default=shutil.which("mutmut") or "mutmut")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    # mutmut runs inside each module's copy of the tree: a relative path (the Makefile's
    # var/mutvenv/bin/mutmut) must not be read from there.
    mutmut = shutil.which(args.mutmut) or args.mutmut
    mutmut = str(Path(mutmut).resolve()) if os.sep in mutmut else mutmut
    results = {}
    for name in args.modules or list(MODULES):
        print(f"mutating {name} ...", flush=True)
        results[name] = run(name, mutmut, args.max_children)
        print(f"  {results[name]['counts']}", flush=True)
        write_report(results)
    print(f"report: {OUT / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
