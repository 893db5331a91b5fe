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

And one for its mutant runs: each runs in a process forked from mutmut's, where typst (a Rust engine with its
own threads, already used by the clean run) never returns from a compile: a test making a PDF hung until
pytest-timeout failed it, and mutmut counted the mutant killed (``ensure_ascii=None`` in a payment's event, a
survivor, was "killed" by a statement's PDF). Here typst's compile runs in a fresh process (spawned, not
forked: tests/mutmut_typst.py), one per mutant run, so those tests pass or fail on what they check.
"""

import atexit
import concurrent.futures
import multiprocessing
import os
import threading

try:
    from mutmut.core import MutmutCallStack
except ImportError:  # mutmut renamed it: nothing to mend
    MutmutCallStack = None
try:
    from relance_tui.store import keeper
except ImportError:  # not this project's layout any more: nothing to mend
    keeper = None
try:
    import typst
except ImportError:  # no documents engine: nothing to mend
    typst = None


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


_typst_pool: tuple[int, concurrent.futures.Executor] | None = None


def _compile_elsewhere(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - typst.compile's, passed through
    global _typst_pool
    if _typst_pool is None or _typst_pool[0] != os.getpid():  # one pool per (forked) mutant run
        spawn = multiprocessing.get_context("spawn")
        _typst_pool = (os.getpid(), concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn))
        atexit.register(_typst_pool[1].shutdown)
    from tests import mutmut_typst

    return _typst_pool[1].submit(mutmut_typst.compile, *args, **kwargs).result()


if MutmutCallStack is not None:
    MutmutCallStack.get, MutmutCallStack.set, MutmutCallStack.reset = map(classmethod, (_get, _set, _reset))
if keeper is not None:
    keeper._Keeper.add = _add_without_thread
if typst is not None:
    typst.compile = _compile_elsewhere
