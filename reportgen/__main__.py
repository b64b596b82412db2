"""``reportgen`` and ``python -m reportgen``: the command line, from the first keystroke.

Kept free of heavy imports so that a Ctrl-C while the tool starts, or a console
that cannot show a character of the data, ends with a Chinese line rather than
a Python traceback.
"""

from __future__ import annotations

import sys

#: The conventional exit status of a program stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130


def main() -> None:
    # A Chinese Windows console (cp936) cannot show every character a report may
    # hold (an emoji, a rare Extension B character): show "?" instead of failing.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    try:
        from .cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断。\n")
        sys.exit(INTERRUPTED)
    command_line()  # exits with the command's code; says a Ctrl-C from here on itself


if __name__ == "__main__":
    main()
