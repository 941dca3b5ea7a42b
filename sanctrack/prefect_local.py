"""Prefect's temporary local server, tied to the process that started it.

With no PREFECT_API_URL, a flow run starts a temporary API server as a child process and stops it
at exit (atexit). A process killed with SIGKILL runs no atexit handler, so the server would be left
running. On Linux the server is started through a small guard that asks the kernel to send it
SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG, kept across the exec of the server itself).
"""

from __future__ import annotations

import os
import subprocess
import sys

# Runs in the child before the server: ask for SIGTERM when the parent dies (PR_SET_PDEATHSIG = 1),
# give up if the parent is already gone, then become the server (the request survives exec).
_GUARD = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)\n"
    "os.getppid() == int(sys.argv[1]) or sys.exit(1)\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)


def guarded_command(args: list[str], parent: int) -> list[str]:
    """The server's command line, run through the guard: it ends when `parent` ends."""
    return [sys.executable, "-c", _GUARD, str(parent), *args[1:]]


def tie_temporary_server_to_this_process() -> None:
    """Make Prefect start its temporary server so that it dies with this process (Linux; else no-op).

    Nothing to do when PREFECT_API_URL names a server: then no temporary server is started.
    """
    if os.environ.get("PREFECT_API_URL") or not sys.platform.startswith("linux"):
        return
    from prefect.server.api import server

    original = server.SubprocessASGIServer._run_uvicorn_command
    if getattr(original, "tied_to_parent", False):
        return

    def run_tied(self) -> subprocess.Popen:
        # Prefect builds the command and calls subprocess.Popen itself: wrap that one call.
        real_popen = subprocess.Popen

        def popen(args, **kwargs):
            if list(args[:3]) == [sys.executable, "-m", "uvicorn"]:
                args = guarded_command(list(args), os.getpid())
            return real_popen(args, **kwargs)

        subprocess.Popen = popen
        try:
            return original(self)
        finally:
            subprocess.Popen = real_popen

    run_tied.tied_to_parent = True
    server.SubprocessASGIServer._run_uvicorn_command = run_tied
