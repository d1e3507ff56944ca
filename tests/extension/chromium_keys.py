"""The keyboard shortcut pressed for real in Chromium: a headed Chromium on a private Xvfb
display, the key sent by ``xdotool`` through the X server (a DevTools key event goes
straight to the page and never reaches the browser's shortcut handling).

Run by ``test_shortcut_key.py`` as ``python -m tests.extension.chromium_keys CONFIG_JSON``
in a process of its own (the extension suite's session-wide Playwright holds the main
thread); prints one JSON object per scenario.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from .helpers import SELECT_JS

CARD_STATE = """() => document.getElementById('claimscope-root')?.shadowRoot
    ?.querySelector('[data-claimscope="card"]')?.getAttribute('data-state') ?? null"""


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


def wait_state(frame: Any, timeout_s: float = 15.0) -> str | None:
    end = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < end:
        state = frame.evaluate(CARD_STATE)
        if state and state != "loading":
            return str(state)
        time.sleep(0.1)
    return state


def main(config: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    xvfb, display = start_xvfb()
    env = {**os.environ, "DISPLAY": display}
    profile = tempfile.mkdtemp(prefix="claimscope-chromium-x-")
    ext = config["extension"]

    def press() -> None:
        subprocess.run(["xdotool", "key", "--clearmodifiers", config["xdotool_key"]], env=env, check=True)

    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=config["chromium"],
                headless=False,
                args=[
                    f"--disable-extensions-except={ext}",
                    f"--load-extension={ext}",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--ozone-platform=x11",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
                env=env,
                viewport={"width": 1200, "height": 800},
            )
            worker = (
                context.service_workers[0]
                if context.service_workers
                else context.wait_for_event("serviceworker")
            )
            ext_id = worker.url.split("/")[2]
            commands = worker.evaluate("chrome.commands.getAll()")
            print(json.dumps({"scenario": "assigned", "commands": commands}), flush=True)
            options = context.new_page()
            options.goto(f"chrome-extension://{ext_id}/options/options.html")
            options.evaluate(f"chrome.storage.local.set({json.dumps(config['settings'])})")
            options.close()

            page = context.pages[0] if context.pages else context.new_page()
            for name, url, frame_url in (
                ("top", config["pages"]["seed"], None),
                ("iframe", config["pages"]["outer"], config["pages"]["inner"]),
            ):
                page.goto(url)
                page.wait_for_function("document.readyState === 'complete'")
                frame = page.main_frame
                if frame_url:
                    page.frame_locator("iframe").locator("#seed").wait_for()
                    frame = next(f for f in page.frames if f.url == frame_url)
                time.sleep(0.5)
                page.bring_to_front()
                frame.evaluate(SELECT_JS, ["#seed", config["sentence"]])
                press()
                state = wait_state(frame)
                top = page.main_frame.evaluate(CARD_STATE) if frame_url else state
                print(json.dumps({"scenario": name, "state": state, "top": top}), flush=True)
            context.close()
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
