# SPDX-License-Identifier: AGPL-3.0-or-later
"""A throw-away PostgreSQL server from Debian's `postgresql` binaries, for Orthanc's
PostgreSQL index plugin (several Orthanc replicas sharing one index):

    with PostgresqlServer() as database:
        database.create_database("replicas")
        database.orthanc_section("replicas")   # Orthanc's "PostgreSQL" configuration section

initdb in a temporary folder, the server on a free loopback port (TCP only: its
Unix socket goes into that folder too), trust authentication for its one user, no
durability (fsync off: the data lives as long as the test), no system service
touched. The server refuses to run as root, as initdb does: run as root (CI), it is
run as the `postgres` system user (else `nobody`), which is given the folder.
"""

import glob
import os
import pwd
import re
import signal
import subprocess
import time

from orthanc_cors_tools.processes import POLL_INTERVAL, ServerProcess
from orthanc_cors_tools.raw_http import LOOPBACK, free_port

START_TIMEOUT = 60        # seconds for initdb and for the server to accept connections (~1 s each)
USER = "orthanc"          # the cluster's superuser, the one Orthanc connects as


class PostgresqlError(Exception):
    """PostgreSQL could not be initialised, did not start, or did not stop."""


def postgresql_bin_directory():
    """The folder of initdb and postgres: ORTHANC_CORS_POSTGRESQL_BIN, else the
    newest /usr/lib/postgresql/<version>/bin (Debian's layout: bookworm has 15)."""
    configured = os.environ.get("ORTHANC_CORS_POSTGRESQL_BIN")
    if configured:
        return configured
    candidates = glob.glob("/usr/lib/postgresql/*/bin/postgres")
    if not candidates:
        raise PostgresqlError("no PostgreSQL server in /usr/lib/postgresql/*/bin: install Debian's postgresql "
                              "(Resources/install-dependencies.sh)")
    newest = max(candidates, key=lambda path: [int(part) for part in re.findall(r"\d+", path)])
    return os.path.dirname(newest)


def _unprivileged_account():
    """(uid, gid) the server runs as when this process is root: postgres, else nobody."""
    for name in ("postgres", "nobody"):
        try:
            account = pwd.getpwnam(name)
            return account.pw_uid, account.pw_gid
        except KeyError:
            continue
    raise PostgresqlError("running as root, and neither a postgres nor a nobody account to run PostgreSQL as")


class PostgresqlServer(ServerProcess):
    """One PostgreSQL server in a temporary folder (data, socket, log), on a free
    loopback port."""

    NAME = "PostgreSQL"
    ERROR = PostgresqlError
    STOP_SIGNAL = signal.SIGINT   # fast shutdown: clients are disconnected

    def __init__(self, parent_directory=None):
        super().__init__("orthanc-cors-postgresql-", parent_directory)
        self.bin_directory = postgresql_bin_directory()
        self.port = free_port()
        self.data_directory = os.path.join(self.directory, "data")
        self.log_path = os.path.join(self.directory, "postgresql.log")
        self.start_seconds = None
        self._account = _unprivileged_account() if os.geteuid() == 0 else None
        if self._account:
            # mkdtemp's folder is root's, mode 0700.
            os.chown(self.directory, *self._account)

    def _run_as_owner(self):
        """Keyword arguments for subprocess: the unprivileged account, when root."""
        if not self._account:
            return {}
        uid, gid = self._account
        return {"user": uid, "group": gid, "extra_groups": []}

    def _binary(self, name):
        return os.path.join(self.bin_directory, name)

    def start(self, timeout=START_TIMEOUT):
        """initdb, then the server; returns once it accepts connections."""
        began = time.monotonic()
        initdb = subprocess.run(
            [self._binary("initdb"), "--pgdata", self.data_directory, "--username", USER, "--auth", "trust",
             "--encoding", "UTF8", "--locale", "C", "--no-sync"],
            cwd=self.directory, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=timeout, **self._run_as_owner())
        if initdb.returncode != 0:
            raise PostgresqlError("initdb failed with status %d; folder %s\n%s"
                                  % (initdb.returncode, self.directory, initdb.stdout[-3000:]))
        self.spawn([self._binary("postgres"), "-D", self.data_directory, "-p", str(self.port),
                    "-c", "listen_addresses=" + LOOPBACK, "-c", "unix_socket_directories=" + self.directory,
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=200"],
                   self.log_path, **self._run_as_owner())
        deadline = began + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PostgresqlError("PostgreSQL exited with status %d while starting; folder %s\n%s"
                                      % (self.process.returncode, self.directory, self.log_tail()))
            ready = subprocess.run([self._binary("pg_isready"), "--quiet", "--host", LOOPBACK,
                                    "--port", str(self.port), "--username", USER, "--dbname", "postgres",
                                    "--timeout", "2"], stdin=subprocess.DEVNULL, timeout=10)
            if ready.returncode == 0:
                self.start_seconds = time.monotonic() - began
                return self
            time.sleep(POLL_INTERVAL)
        raise PostgresqlError("PostgreSQL did not accept connections within %d s; folder %s\n%s"
                              % (timeout, self.directory, self.log_tail()))

    def psql(self, command, database="postgres"):
        """Runs one SQL command with psql as the cluster's superuser; returns its output."""
        result = subprocess.run([self._binary("psql"), "--no-psqlrc", "--quiet", "--tuples-only",
                                 "--no-align", "--set", "ON_ERROR_STOP=1", "--host", LOOPBACK,
                                 "--port", str(self.port), "--username", USER, "--dbname", database,
                                 "--command", command],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise PostgresqlError("psql %r failed: %s" % (command, result.stderr.strip()))
        return result.stdout

    def create_database(self, name):
        """An empty database (a name of letters, digits and underscores)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError("not a plain database name: %r" % name)
        self.psql("CREATE DATABASE %s" % name)
        return name

    def orthanc_section(self, database, **extra):
        """The "PostgreSQL" section of an Orthanc configuration using `database` as
        its index (the orthanc-postgresql plugin, 4.0 and 5.0). "Lock": false lets
        several Orthanc processes share it (by default the first one locks it), and
        one that was killed start again."""
        section = {"EnableIndex": True, "EnableStorage": False, "Host": LOOPBACK, "Port": self.port,
                   "Database": database, "Username": USER, "Password": "", "EnableSsl": False, "Lock": False}
        section.update(extra)
        return section
