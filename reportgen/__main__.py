"""``reportgen`` and ``python -m reportgen``: the command line, from the first keystroke.

Kept free of heavy imports so that a Ctrl-C while the tool starts, or a console
that cannot show a character of the data, ends with a Chinese line rather than
a Python traceback.
"""

from __future__ import annotations

import gc
import os
import sys

#: The conventional exit status of a program stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130
#: pydantic looks for plugins (observers of every validation) in the entry points
#: of every installed distribution when it builds its first model: 6 ms here, more
#: in a large environment.  A report tool has none; a user who wants one sets the
#: variable (pydantic's own switch) to "" or to the plugins to leave out.
PYDANTIC_PLUGINS = ("PYDANTIC_DISABLE_PLUGINS", "__all__")
#: Python collects cyclic garbage every 700 new objects, and on each pass looks at
#: every young object still alive — here the validators, templates and XML that live
#: to the end: 80–130 passes, a tenth of a build.  A pass every 200,000 objects (as
#: mypy does) leaves the cycles a run makes to the same collector, later: the memory
#: they hold stays bounded (50 projects: 82 → 114 MB).
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    # A Chinese Windows console (cp936) cannot show every character a report may
    # hold (an emoji, a rare Extension B character): show "?" instead of failing.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    os.environ.setdefault(*PYDANTIC_PLUGINS)
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        from .cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断。\n")
        sys.exit(INTERRUPTED)
    try:
        command_line()  # exits with the command's code; says a Ctrl-C from here on itself
    except SystemExit as exc:
        _end(exc)
        raise


def _end(exc: SystemExit) -> None:
    """End at once, skipping the interpreter's teardown (freeing every module and
    object: about a seventh of a build), once what was printed is flushed; every
    file written is closed by then (written atomically, the workers joined)."""
    if not isinstance(exc.code, int | None):
        return  # a message to print: Python's own exit says it
    if sys.gettrace() or sys.getprofile():
        return  # coverage or a profiler writes its report at exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        return  # a closed pipe (`check … | head`): Python's own exit deals with it
    os._exit(exc.code or 0)


if __name__ == "__main__":
    main()
