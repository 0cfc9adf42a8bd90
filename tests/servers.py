"""Real servers the suite starts itself: PostgreSQL (and, in later tests, SMTP and gunicorn)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path:
    """Return the directory of the newest installed PostgreSQL server binaries."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[-3])
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "No PostgreSQL server found: `make test` installs Debian's postgresql package; "
        "run `make system-deps` or install postgresql."
    )


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Run a throw-away PostgreSQL cluster on 127.0.0.1 and yield a psycopg URL to a database.

    PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` user.
    """
    bindir = _pg_bindir()
    root = Path(tempfile.mkdtemp(prefix="roundtable-pg-"))
    run_as: dict[str, object] = {}
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        run_as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
    data, port = root / "data", free_port()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    subprocess.run(
        [bindir / "initdb", "-D", data, "-U", "roundtable", "--auth=trust", "-E", "UTF8",
         "--no-sync", "--no-instructions"],
        check=True, capture_output=True, env=env, cwd=root, **run_as,  # type: ignore[arg-type]
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    subprocess.run(
        [bindir / "pg_ctl", "-D", data, "-o", options, "-l", root / "server.log", "-w", "start"],
        check=True, capture_output=True, env=env, cwd=root, **run_as,  # type: ignore[arg-type]
    )
    try:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=roundtable dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE roundtable_test")
            conn.execute("CREATE DATABASE roundtable_migrations")
        yield f"postgresql+psycopg://roundtable@127.0.0.1:{port}/roundtable_test"
    finally:
        subprocess.run(
            [bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            capture_output=True, env=env, cwd=root, **run_as,  # type: ignore[arg-type]
        )
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)
