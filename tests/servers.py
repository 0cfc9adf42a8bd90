"""Real servers the suite starts itself: PostgreSQL, Redis, SMTP and gunicorn."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def python_path() -> dict[str, str]:
    """Return PYTHONPATH for child processes, when set (a checkout tested beside another)."""
    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}


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


class PostgresCluster:
    """A throw-away PostgreSQL cluster on 127.0.0.1 that a test may stop and start again.

    PostgreSQL refuses to run as root, so as root the cluster runs as the ``postgres`` user.
    The port stays the same across a stop and a start, so the URL does too.
    """

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="roundtable-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://roundtable@127.0.0.1:{self.port}/roundtable_test"
        self.running = False
        self._run_as: dict[str, object] = {}
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._run_as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        self._env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def _pg(self, program: str, *args: object, check: bool = True) -> None:
        subprocess.run(
            [self.bindir / program, *args],
            check=check,
            capture_output=True,
            env=self._env,
            cwd=self.root,
            **self._run_as,  # type: ignore[arg-type]
        )

    def create(self) -> None:
        """Initialise the cluster, start it, and create the test databases."""
        self._pg("initdb", "-D", self.data, "-U", "roundtable", "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--no-instructions")
        self.start()
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=roundtable dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE roundtable_test")
            conn.execute("CREATE DATABASE roundtable_migrations")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._pg("pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "server.log", "-w",
                 "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server and wait until it has.

        ``fast`` ends every session (their transactions roll back) after a checkpoint, so what
        was committed survives even with ``synchronous_commit=off``; ``immediate`` does not
        checkpoint, and recovery replays the WAL at the next start.
        """
        self._pg("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")
        self.running = False

    def remove(self) -> None:
        """Stop the server, if it runs, and delete the cluster."""
        self._pg("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        self.running = False
        time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Run a throw-away PostgreSQL cluster on 127.0.0.1 and yield it (``.url`` to a database)."""
    cluster = PostgresCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Run a throw-away PostgreSQL cluster on 127.0.0.1 and yield a psycopg URL to a database."""
    with postgres_cluster() as cluster:
        yield cluster.url


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Run a throw-away Redis server on 127.0.0.1 and yield its URL.

    Nothing is written to disk (no snapshots, no append-only file); its working directory is a
    temporary one of its own, removed with it.
    """
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise RuntimeError(
            "No redis-server found: `make test` installs Debian's redis-server package; "
            "run `make system-deps` or install redis-server."
        )
    root = Path(tempfile.mkdtemp(prefix="roundtable-redis-"))
    port = free_port()
    log = root / "redis.log"
    process = subprocess.Popen(
        [
            binary,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(root),
            "--daemonize", "no",
            "--logfile", str(log),
        ],
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not _redis_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text() if log.exists() else ""
                raise RuntimeError("redis-server did not start:\n" + text[-3000:])
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _redis_answers(port: int) -> bool:
    """Return whether a Redis server on ``port`` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def gunicorn_server(
    settings: dict[str, str],
    workers: int = 4,
    app: str = "roundtable:create_app()",
    config: Path | None = None,
    log_path: Path | None = None,
) -> Iterator[str]:
    """Serve the app with gunicorn on 127.0.0.1 and yield its base URL.

    ``settings`` are ROUNDTABLE_* variables without the prefix; ``app`` is gunicorn's app
    spec (``seat_patches:create_app(...)`` for the concurrency tests' patched runs).
    ``config`` is a gunicorn configuration file (the project's ``gunicorn.conf.py``), whose
    settings the options below override; gunicorn's output goes to ``log_path`` when given.
    """
    import sys
    import urllib.request

    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", **python_path()}
    env.update({f"ROUNDTABLE_{k}": v for k, v in settings.items()})
    workdir = Path(tempfile.mkdtemp(prefix="roundtable-gunicorn-"))
    log_path = log_path or workdir / "gunicorn.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *(["-c", str(config)] if config else []),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "3",
            "--timeout",
            "60",
            "--backlog",
            "512",
            "--preload",  # the app is built once, then the workers fork (they start faster)
            "--pythonpath",
            str(Path(__file__).resolve().parent),
            app,
        ],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the workers end with the master
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.05)
        yield base
    finally:
        # Every request the test made has been answered: end master and workers at once.
        os.killpg(process.pid, signal.SIGKILL)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    Recipients whose address starts with ``reject`` are refused with a permanent 550.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Any] = []
        self.controller: Any = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
