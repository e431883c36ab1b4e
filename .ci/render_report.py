"""Open the client's HTML report in a real browser (headless Chromium) and check it renders.

Makes a small ledger (two clients, a kept, a renegotiated and a late promise, a hostile
title), writes `expect report --client acme --for-client --format html` to a file, has
Chromium screenshot it, and fails unless the screenshot exists, is a real picture (the size
asked for, not blank: dark text on a light page, many colours) and Chromium said nothing
about the page (no console message: a script error, a refused or failed load, a Content
Security Policy violation). Chromium's own noise about the machine (no D-Bus, no GPU) is not
about the page and is ignored.

So that the check cannot pass by seeing nothing, a deliberately bad page (an external image,
a script) is opened first and must be caught.

Run with the project's virtualenv: `.venv/bin/python .ci/render_report.py [--keep NEW-FOLDER]`
(--keep: leave the ledger, the pages and the screenshots there, to look at).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

WIDTH, HEIGHT = 1000, 1400
# Chromium's lines about the page it opened: console messages (script errors, CSP reports),
# network errors, loads refused.
PAGE_TROUBLE = ("CONSOLE", "net::ERR", "Uncaught", "Content Security Policy", "Failed to load", "Refused to")

STEPS = [  # (now, arguments)
    (
        "2026-11-16 09:00",
        ["promise", "Draft proposal", "--to", "acme", "--due", "2026-11-17 17:00", "--tag", "internal"],
    ),
    ("2026-11-17 12:00", ["done", "1", "--note", "internal note"]),
    ("2026-11-16 09:00", ["promise", "Workshop slides", "--to", "acme", "--due", "2026-11-18 17:00"]),
    ("2026-11-18 10:00", ["move", "2", "2026-11-20 17:00", "--reason", "the scope grew: module B & C"]),
    ("2026-11-20 16:00", ["done", "2"]),
    ("2026-11-16 09:00", ["promise", "<script>alert(1)</script> report", "--to", "acme", "--due", "2026-11-19 17:00"]),
    ("2026-11-20 11:00", ["done", "3"]),
    ("2026-11-16 09:00", ["promise", "Other client's work", "--to", "globex", "--due", "2026-11-19 17:00"]),
    ("2026-11-09 09:00", ["promise", "Earlier work", "--to", "acme", "--due", "2026-11-10 17:00"]),
    ("2026-11-10 12:00", ["done", "5"]),
]
REPORT = ["report", "--last-week", "--client", "acme", "--for-client", "--format", "html"]


def expect(args: list[str], env: dict[str, str], now: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "expectcli", *args], env={**env, "EXPECT_NOW": now}, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"expect {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def client_report(folder: Path) -> Path:
    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Berlin"\n')
    env = {**os.environ, "EXPECT_DB": str(folder / "ledger.db"), "EXPECT_CONFIG": str(config), "NO_COLOR": "1"}
    expect(["db", "init", env["EXPECT_DB"]], env, STEPS[0][0])
    for now, args in STEPS:
        expect(args, env, now)
    page = folder / "report.html"
    page.write_text(expect(REPORT, env, "2026-11-25 10:00"), encoding="utf-8")
    return page


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    sys.exit("no chromium on PATH (Debian: apt-get install chromium)")


def screenshot(page: Path, png: Path, profile: Path) -> tuple[int, str, str]:
    args = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", f"--screenshot={png}",
        f"--window-size={WIDTH},{HEIGHT}", page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout, result.stderr


def trouble(stderr: str, page: Path) -> list[str]:
    return [line for line in stderr.splitlines() if any(mark in line for mark in PAGE_TROUBLE) or page.name in line]


def pixels(png: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of RGB(A) bytes of an 8-bit, non-interlaced PNG."""
    data = png.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{png} is not a PNG")
    chunks, offset = {}, 8
    idat = b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        chunks[kind] = body
        if kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    if depth != 8 or colour not in (2, 6) or interlace:
        sys.exit(f"{png}: unexpected PNG layout (depth {depth}, colour type {colour}, interlace {interlace})")
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b = previous[x]
            c = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, [b"".join(row[i : i + 3] for i in range(0, stride, step)) for row in rows]


def check_picture(png: Path) -> list[str]:
    problems = []
    if not png.exists():
        return [f"no screenshot at {png}"]
    if png.stat().st_size < 15_000:
        problems.append(f"the screenshot is only {png.stat().st_size} bytes")
    width, height, rows = pixels(png)
    if (width, height) != (WIDTH, HEIGHT):
        problems.append(f"the screenshot is {width}x{height}, not {WIDTH}x{HEIGHT}")
    flat = [row[i : i + 3] for row in rows for i in range(0, len(row), 3)]
    colours = set(flat)
    dark = sum(1 for p in flat if sum(p) < 200)
    white = sum(1 for p in flat if min(p) >= 245)
    if len(colours) < 32:
        problems.append(f"the screenshot has only {len(colours)} colours: blank or nearly")
    if dark < 2_000:
        problems.append(f"only {dark} dark pixels: no text to read")
    if white < 0.5 * len(flat):
        problems.append(f"only {white / len(flat):.0%} of the page is light: a dark page does not print")
    top = rows[: HEIGHT // 10]
    if not any(sum(row[i : i + 3]) < 200 for row in top for i in range(0, len(row), 3)):
        problems.append("no title at the top of the page")
    print(f"   screenshot {png.stat().st_size} bytes, {len(colours)} colours, {dark} dark pixels, "
          f"{white / len(flat):.0%} light")  # fmt: skip
    return problems


def main() -> int:
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    with tempfile.TemporaryDirectory(prefix="expect-render-") as temp:
        if keep is not None and keep.exists():
            sys.exit(f"--keep {keep}: give a folder that does not exist yet")
        folder = keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        page = client_report(folder)
        text = page.read_text(encoding="utf-8")
        if "globex" in text or "internal" in text:
            print("the client's report names another client or an internal note")
            return 1

        bad = folder / "bad.html"
        bad.write_text(text.replace("</main>", '<img src="https://example.invalid/x.png"><script>1</script></main>'))
        _, _, stderr = screenshot(bad, folder / "bad.png", folder / "profile-bad")
        if not trouble(stderr, bad):
            print("Chromium said nothing about a page with an external image and a script: this check sees nothing")
            print(stderr)
            return 1

        status, stdout, stderr = screenshot(page, folder / "report.png", folder / "profile")
        problems = [f"chromium exited with status {status}"] if status else []
        problems += [f"chromium: {line}" for line in trouble(stderr, page)]
        problems += check_picture(folder / "report.png")
        if problems:
            print("\n".join(["the client's HTML report did not render cleanly:", *problems, "-- stdout:", stdout]))
            return 1
        print(f"   {chromium()} rendered the client's report cleanly" + (f": {folder / 'report.png'}" if keep else ""))
        return 0


if __name__ == "__main__":
    sys.exit(main())
