"""``python -m bench`` (``make bench``): the figures of docs/performance.md, measured here.

Timings belong here, not in the tests (machines are noisy): the benchmark
prints each figure with its target beside it, and exits with 1 when one is
missed, so that a regression shows. ``python -m bench hardening prepared``
runs only the sections named.
"""

from __future__ import annotations

import importlib
import platform
import sys
from collections.abc import Callable

# Section name -> (module, function): each function reports lines and returns
# True when every target it measures is met.
SECTIONS: dict[str, tuple[str, str]] = {
    "hardening": ("bench.hardening", "run"),
    "prepared": ("bench.prepared", "bench_prepared"),
    "rebuild": ("bench.rebuild", "run"),
    "watcher": ("bench.watcher", "run"),
    "tracked": ("bench.tracked", "run"),
}


def main(argv: list[str]) -> int:
    wanted = argv or list(SECTIONS)
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
        return 2
    print(f"amoor benchmark — Python {platform.python_version()}, {platform.machine()}")
    met = True
    for name in wanted:
        module, function = SECTIONS[name]
        measure: Callable[[Callable[[str], None]], bool] = getattr(
            importlib.import_module(module), function
        )
        print(f"\n== {name}")
        met = measure(print) and met
    print("\nEvery target met." if met else "\nSome targets missed (see MISSED above).")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
