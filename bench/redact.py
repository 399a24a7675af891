"""Redaction speed on long chat messages, against ``str.replace`` of one secret on the same text.

``str.replace`` is the floor for one pass over a string; the redactor makes a few linear passes
(bounded or possessive repeats only), so the ratio must stay a small constant as the message
grows. The message that motivated it: 30 000 Chinese characters cost 2.3 s of event loop in a
greedy ``\\w+://`` pattern (Chinese characters are ``\\w``).

    .venv/bin/python bench/redact.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.maimai_archive.core.redact import redact

COOKIE = 'userId = 1234567890123; _t = "0123456789abcdef"'
INPUTS = {
    "chinese 30k": "舞萌" * 15_000,
    "chinese 30k + '=' and ':'": "舞萌：" * 5_000 + "a=b " * 3_750,
    "chinese 30k + cookie": "舞萌" * 15_000 + COOKIE,
    "ascii word 30k + '://'": "a" * 30_000 + "://x:y",
    "'x://a:' × 5000": "x://a:" * 5_000,
    "quotes and colons 30k": '"a":' * 7_500,
    "bind + 30k": "/bind " + "舞萌" * 15_000,
    '\'"_t":"a\\\\",\' × 3000': '"_t":"a\\\\",' * 3_000,
    # Issue 19: once quadratic (1.4 s at 100 000 characters), and the new shapes' worst.
    "'/wc_auth/' × 3333 + '='": "/wc_auth/" * 3_333 + "=",
    "'userId%3D' × 3333": "userId%3D" * 3_333,
    "'/link水鱼' × 4285": "/link水鱼" * 4_285,
}


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    # "×4 input": time on the text repeated 4 times over time on the text; ~4 when linear.
    print(
        f"{'input':32} {'chars':>7} {'redact ms':>10} {'replace ms':>11} {'ratio':>7} {'×4 input':>9}"
    )
    for name, text in INPUTS.items():
        ours = best(lambda t=text: redact(t), args.rounds)
        peer = best(lambda t=text: t.replace("0123456789abcdef", "***"), args.rounds)
        longer = best(lambda t=text * 4: redact(t), args.rounds)
        print(
            f"{name:32} {len(text):7} {ours * 1e3:10.3f} {peer * 1e3:11.3f} {ours / peer:7.0f} {longer / ours:9.1f}"
        )


if __name__ == "__main__":
    main()
