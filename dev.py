#!/usr/bin/env python3
"""Bootstrap and run the portal with nothing but Python 3.11+.

    python3 dev.py serve   # install, migrate, seed the demo tenants, serve on 127.0.0.1:8000
    python3 dev.py test    # install, run the test suite (extra arguments go to pytest)

Dependencies go into ./.venv, installed from the exact pins in pyproject.toml and
reinstalled only when those pins change.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".hypercare-requirements"


def requirements() -> list[str]:
    import tomllib  # here, so that Python < 3.11 reaches the friendly version message

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under any python3
        sys.exit("Hypercare Portal needs Python 3.11 or newer.")
    wanted = requirements()
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing dependencies (first run only) ...", flush=True)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted])
    STAMP.write_text(digest)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    if completed.returncode:
        sys.exit(completed.returncode)


def serve(args: list[str]) -> None:
    address = args[0] if args else "127.0.0.1:8000"
    port = address.rpartition(":")[2] or "8000"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "PORTAL_PUBLIC_PORT": f":{port}",  # links printed and mailed use the served port
    }
    manage = [str(PYTHON), "manage.py"]
    run([*manage, "migrate", "--noinput", "-v", "0"], env)
    run([*manage, "seed_demo"], env)
    print(f"\nServing on http://{address} (Ctrl+C stops).", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        run([*manage, "runserver", address, *args[1:]], env)


def test(args: list[str]) -> None:
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pyproject.toml picks portal.settings.test
    run([str(PYTHON), "-m", "pytest", *args], env)


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [arguments]")
    ensure_environment()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
