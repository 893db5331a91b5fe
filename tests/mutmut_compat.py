"""Loaded by mutmut's test runs only (pyproject.toml, [tool.mutmut] pytest_add_cli_args), never by the suite.

Two mends, both for mutmut 3.8's stats run (the first pass, which learns which tests reach which function):

1. It tracks which function called which with a ContextVar set and reset around every call of a mutated
   function. Under its fork server, on this project's store/ and io/ tests, a reset found the variable
   already gone (LookupError), then, with that error ignored, the run died of a segmentation fault at the
   same test. Here the caller is kept in a plain thread-local value instead: the same answers (the caller's
   name and depth, restored after each call) without the ContextVar.
2. The lease keeper's thread (store/keeper.py: it renews the host lease every few seconds) calls mutated
   functions while a test runs; with it, the stats run ended in a segmentation fault. Here the keeper
   registers leases without starting its thread: a test runs for well under the lease's timeout. The keeper
   is left out of mutation (``do_not_mutate``), and the two tests of its renewals are deselected.
"""

import threading

try:
    from mutmut.core import MutmutCallStack
except ImportError:  # mutmut renamed it: nothing to mend
    MutmutCallStack = None
try:
    from relance_tui.store import keeper
except ImportError:  # not this project's layout any more: nothing to mend
    keeper = None


_local = threading.local()


def _get(cls) -> tuple:  # noqa: ANN001
    return getattr(_local, "value", (None, 0))


def _set(cls, value: tuple) -> tuple:  # noqa: ANN001
    token, _local.value = _get(cls), value
    return token  # the value it replaced


def _reset(cls, token: tuple) -> None:  # noqa: ANN001
    _local.value = token


def _add_without_thread(self, lease) -> None:  # noqa: ANN001 - a store.lease.HostLease
    with self._lock:
        self._leases.add(lease)


if MutmutCallStack is not None:
    MutmutCallStack.get, MutmutCallStack.set, MutmutCallStack.reset = map(classmethod, (_get, _set, _reset))
if keeper is not None:
    keeper._Keeper.add = _add_without_thread
