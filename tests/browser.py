"""A page rendered by headless Chromium, driven over the DevTools protocol on a pipe (no port, no network).

Used by the report's rendering test: the page's laid-out size, what each element measures, and a
full-page screenshot. Chromium is started with every background service off and a fresh profile, so it
makes no connection of its own.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Debian's package installs `chromium`; other systems name it otherwise.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUIET_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars")


def find_chromium() -> str | None:
    """The Chromium executable (SANCTRACK_CHROMIUM, else the first on PATH), or None."""
    named = os.environ.get("SANCTRACK_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


@dataclass
class Rendered:
    width: int  # the page's laid-out content size, CSS pixels
    height: int
    measures: object  # what the measuring expression returned
    png: bytes  # the whole page


class _Pipe:
    """DevTools messages over Chromium's --remote-debugging-pipe: JSON, each ended by a NUL byte."""

    def __init__(self, to_browser: int, from_browser: int, deadline: float) -> None:
        self.to_browser, self.from_browser, self.deadline = to_browser, from_browser, deadline
        self.buffer, self.next_id, self.events = b"", 0, []

    def _message(self) -> dict:
        while b"\0" not in self.buffer:
            if time.monotonic() > self.deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params: object) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str) -> None:
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._message())


def render(page: Path, width: int, measure: str, chromium: str, timeout_s: float = 60.0,
           shot: tuple[int, int] | None = None) -> Rendered:
    """Open PAGE in headless Chromium at WIDTH CSS pixels; the laid-out size, MEASURE's value (a JavaScript
    expression evaluated by DevTools, not by the page) and a PNG of the page (or of SHOT: its top and height)."""
    to_read, to_browser = os.pipe()
    from_browser, to_write = os.pipe()

    def wire() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4
        reading, writing = os.dup(to_read), os.dup(to_write)  # neither may already be 3 or 4
        os.dup2(reading, 3)
        os.dup2(writing, 4)

    with tempfile.TemporaryDirectory(prefix="sanctrack-chromium-") as profile:
        process = subprocess.Popen(
            [chromium, *QUIET_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=wire,
            close_fds=False,  # closing would happen after `wire` and take fds 3 and 4 with it
        )
        os.close(to_read)
        os.close(to_write)
        pipe = _Pipe(to_browser, from_browser, time.monotonic() + timeout_s)
        try:
            target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
            session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            pipe.call("Emulation.setDeviceMetricsOverride", session, width=width, height=900, deviceScaleFactor=1,
                      mobile=False)
            pipe.call("Page.enable", session)
            pipe.call("Page.navigate", session, url=page.resolve().as_uri())
            pipe.wait_for("Page.loadEventFired")
            size = pipe.call("Page.getLayoutMetrics", session)["cssContentSize"]
            evaluated = pipe.call("Runtime.evaluate", session, expression=measure, returnByValue=True)
            if "exceptionDetails" in evaluated:
                raise RuntimeError(f"the measuring expression failed: {evaluated['exceptionDetails']}")
            value = evaluated["result"]
            y, h = shot or (0, size["height"])
            png = pipe.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": y, "width": size["width"], "height": min(h, size["height"] - y),
                                  "scale": 1})
            pipe.call("Browser.close")
        finally:
            os.close(to_browser)
            os.close(from_browser)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return Rendered(round(size["width"]), round(size["height"]), value.get("value"), base64.b64decode(png["data"]))
