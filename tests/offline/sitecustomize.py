"""Loaded by every Python process of an offline test (via PYTHONPATH): records any attempt to
connect or resolve a name outside the loopback, to the file named by SANCTRACK_NETWORK_LOG."""

import ipaddress
import os
import sys

_LOG = os.environ.get("SANCTRACK_NETWORK_LOG")
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str) or host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hook(event, args):
    target = None
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _is_local(address[0]):
            target = address
    elif event == "socket.getaddrinfo":
        if not _is_local(args[0]):
            target = args[0]
    if target is not None and _LOG:
        with open(_LOG, "a") as log:
            log.write(f"{os.getpid()} {event} {target!r} {' '.join(sys.argv)[:200]}\n")


if _LOG:
    sys.addaudithook(_hook)
