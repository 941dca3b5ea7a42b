"""HTTP GET within bounds, for news documents, feeds and list files alike.

One fetch has a total deadline (connection, redirects, retries and body together: a server that
sends a byte a second is cut off when it passes), a cap on the content as decoded (gzip and deflate
are decoded per HTTP and counted after decoding, so a compression bomb stops at the cap), and every
way it can fail (an HTTP status, a redirect loop, a body that does not decode, TLS, a broken
connection, the deadline, the cap) is one `FetchFailed` naming the URL and the reason. Only
transport errors are retried, and only while the deadline allows.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import BinaryIO

import httpx

from sanctrack.settings import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 10
CHUNK_BYTES = 1 << 16


class FetchFailed(Exception):
    """A URL that could not be fetched, and why."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


class _Retryable(Exception):
    """A transport failure worth another attempt (within the deadline)."""


def http_client(settings: Settings) -> httpx.Client:
    """A polite client: redirects followed (up to MAX_REDIRECTS), a User-Agent naming the project.

    No connection is kept alive between requests: each fetch opens its own, so its deadline can
    always cut it (see _Watchdog).
    """
    return httpx.Client(
        timeout=settings.fetch_timeout_s, follow_redirects=True, max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": settings.user_agent}, limits=httpx.Limits(max_keepalive_connections=0),
    )


class _Watchdog:
    """Shuts the fetch's sockets down when its deadline passes, whatever the client is blocked on.

    httpx's time-out applies to each read, so a server sending a byte within every time-out could
    hold a fetch for ever. The sockets are learnt from httpcore's trace events (each connection,
    also after a redirect or a TLS handshake); shutting one down wakes the blocked read at once.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def trace(self, name: str, info: dict) -> None:
        if name in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sockets.append(sock)
                if self.expired.is_set():
                    _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to cut


def fetch(url: str, client: httpx.Client, sink: BinaryIO, *, max_bytes: int, timeout_s: float,
          headers: dict[str, str] | None = None, attempts: int = 3, backoff_s: float = 0.5) -> httpx.Response:
    """GET `url` into `sink` (its decoded content) within `timeout_s` in all; the response (body read).

    A 304 Not Modified comes back with nothing written; any other status but 2xx is a FetchFailed.
    The sink is emptied before each attempt.
    """
    deadline = time.monotonic() + timeout_s
    for attempt in range(1, attempts + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sink.seek(0)
        sink.truncate()
        try:
            return _fetch_once(url, client, sink, max_bytes=max_bytes, seconds=remaining, timeout_s=timeout_s,
                               headers=headers)
        except _Retryable as exc:
            error = FetchFailed(url, str(exc))
        if attempt < attempts:
            log.warning("%s (attempt %d of %d, retrying)", error, attempt, attempts)
            time.sleep(min(backoff_s * attempt, max(deadline - time.monotonic(), 0)))
    if time.monotonic() >= deadline:
        # the client's own timeout can fire a moment before the watchdog's: the deadline is the reason
        raise FetchFailed(url, _past_deadline(timeout_s))
    raise FetchFailed(url, f"{error.message} (after {attempt} attempts)" if attempt > 1 else error.message)


def _past_deadline(timeout_s: float) -> str:
    return f"not fetched within {timeout_s:g} s in all (SANCTRACK_FETCH_TIMEOUT); cut off"


def _fetch_once(url: str, client: httpx.Client, sink: BinaryIO, *, max_bytes: int, seconds: float,
                timeout_s: float, headers: dict[str, str] | None) -> httpx.Response:
    with _Watchdog(seconds) as watchdog:
        try:
            with client.stream("GET", url, headers=headers, extensions={"trace": watchdog.trace}) as response:
                _check_status(url, response, max_bytes)
                if response.status_code == 304:
                    return response
                size = 0
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchFailed(url, f"larger than the {max_bytes:,}-byte cap (counted after decompression)")
                    sink.write(chunk)
                announced = response.headers.get("content-length")
                # Content-Length counts the bytes sent (compressed, when encoded), not the decoded ones.
                if announced is not None and response.num_bytes_downloaded != int(announced):
                    raise _Retryable(f"cut short: {response.num_bytes_downloaded:,} bytes received of "
                                     f"{int(announced):,} announced")
                return response
        except FetchFailed:
            raise
        except (httpx.TransportError, httpx.StreamError) as exc:
            if watchdog.expired.is_set():
                raise FetchFailed(url, _past_deadline(timeout_s)) from None
            if isinstance(exc, httpx.TimeoutException):
                raise _Retryable(f"timed out ({type(exc).__name__})") from None
            if isinstance(exc, httpx.UnsupportedProtocol):
                raise FetchFailed(url, f"not an http(s) URL: {exc}") from None
            raise _Retryable(f"could not fetch ({type(exc).__name__}): {exc}") from None
        except httpx.TooManyRedirects:
            raise FetchFailed(url, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
        except httpx.DecodingError as exc:
            raise FetchFailed(url, f"the content does not decode as its Content-Encoding says: {exc}") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchFailed(url, f"{type(exc).__name__}: {exc}") from None


def _check_status(url: str, response: httpx.Response, max_bytes: int) -> None:
    if response.status_code == 304:
        return
    if not 200 <= response.status_code < 300:
        raise FetchFailed(url, f"HTTP {response.status_code} {status_phrase(response.status_code)}")
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:  # each layer multiplies what one read can inflate to
        raise FetchFailed(url, f"stacked content encodings refused: {', '.join(codings)}")
    announced = response.headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) > max_bytes:
        raise FetchFailed(url, f"{int(announced):,} bytes announced, over the {max_bytes:,}-byte cap")


def status_phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "error"


@contextmanager
def own_client(client: httpx.Client | None, settings: Settings) -> Iterator[httpx.Client]:
    """The given client, or one made (and closed) for this block."""
    if client is not None:
        yield client
        return
    with http_client(settings) as made:
        yield made
