"""A real PostgreSQL server for the tests, started in a temporary folder and stopped after.

Never a mock: the store's PostgreSQL side runs against the same server software production
uses. Debian's `postgresql` package provides `initdb` and `pg_ctl` (`.ci/run` installs it); the
server listens on 127.0.0.1 only, on a free port, with durability switched off because a test
database is thrown away; connections over TCP need the password (so a wrong one is refused as
in production). PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` account the package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from itertools import count
from pathlib import Path

from tests.support.ports import free_port

USER = "coachbot"
MISSING = ("PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
           "`apt-get install postgresql` (as .ci/run does) to run the PostgreSQL tests")


def server_programs() -> Path | None:
    """The folder holding `initdb` and `pg_ctl`: on PATH, else Debian's newest version."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    """One throwaway cluster; `new_database()` gives each test a database of its own."""

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        self.folder = Path(tempfile.mkdtemp(prefix="coachbot-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._names = count(1)
        self._owner = "postgres" if os.geteuid() == 0 else None
        self.password = secrets.token_hex(12)

    def _run(self, program: str, *args: str) -> None:
        command: Sequence[str] = [str(self.programs / program), *args]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        if self._owner is not None:
            account = pwd.getpwnam(self._owner)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        secret = self.folder / "password"
        secret.write_text(self.password)
        secret.chmod(0o644)
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth-local=trust",
                  "--auth-host=scram-sha-256", f"--pwfile={secret}", "--no-sync",
                  "-E", "UTF8", "--locale", "C")
        secret.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        """A database's URL, with the server's password unless told another."""
        return (f"postgresql://{USER}:{password or self.password}@127.0.0.1:{self.port}/"
                f"{database}")

    def new_database(self) -> str:
        """A fresh, empty database on this server; its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
