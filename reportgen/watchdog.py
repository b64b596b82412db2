"""Stopping a template's rendering past its time, wherever it is (part of the wording stage).

The sandbox (:mod:`reportgen.sandbox`) checks the clock at every step it sees;
this catches the loops it does not see.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time


class Overtime(Exception):
    """Raised into a rendering that ran out of time (see :class:`Watchdog`)."""


class Watchdog:
    """Stops what runs in a thread past its time, wherever it is.

    The sandbox checks the clock at every attribute, item, operator and range
    step, but a template can loop over plain lists touching none of them; for
    that, a watching thread raises :class:`Overtime` in the rendering's thread
    (CPython's PyThreadState_SetAsyncExc), and takes it back if the rendering
    ended first.  One thread for the process, started at the first rendering:
    one for each rendering took longer to start than short templates to run."""

    def __init__(self) -> None:
        self._reset()
        if hasattr(os, "register_at_fork"):  # not on Windows, whose workers start afresh
            os.register_at_fork(after_in_child=self._reset)  # a forked worker has no watching thread

    def _reset(self) -> None:
        # A plain lock, taken with C's __enter__: an Overtime raised into the rendering's thread as it
        # takes the lock (Condition.__enter__ is Python) would leave the lock held and the watchdog asleep.
        self.lock = threading.Lock()
        self.condition = threading.Condition(self.lock)
        self.deadlines: dict[int, float] = {}
        self.fired: set[int] = set()
        self.thread: threading.Thread | None = None

    @contextlib.contextmanager
    def watching(self, seconds: float):
        me = threading.get_ident()
        with self.lock:
            self.deadlines[me] = time.monotonic() + seconds
            self.fired.discard(me)
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="reportgen-watchdog", daemon=True)
                self.thread.start()
            self.condition.notify()
        try:
            yield
        finally:
            with self.lock:
                self.deadlines.pop(me, None)
                fired = me in self.fired
                self.fired.discard(me)
            if fired:  # not raised yet: take it back
                _raise_in(me, None)

    def _watch(self) -> None:
        with self.condition:
            while True:
                now = time.monotonic()
                for thread, deadline in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[thread]
                        self.fired.add(thread)
                        _raise_in(thread, Overtime)
                self.condition.wait(min(self.deadlines.values()) - now if self.deadlines else None)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread at its next bytecode (None: take back one not yet raised)."""
    import ctypes  # only when a template runs over: 3 ms of start-up for every command otherwise

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception) if exception is not None else None
    )


WATCHDOG = Watchdog()
