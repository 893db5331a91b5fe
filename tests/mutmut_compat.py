"""Loaded by mutmut's test runs only (pyproject.toml, [tool.mutmut] pytest_add_cli_args), never by the suite.

mutmut 3.8 tracks which function called which with a ContextVar set and reset around every call of a
mutated function. The lease keeper's thread (store/keeper.py: it renews the host lease every few seconds)
calls mutated functions (the lease's check) while a test runs; under mutmut's fork server that broke the
call tracking (a reset finding its variable gone, then a segmentation fault) and stopped the run at the
first test that wrote to a base. Here the keeper registers leases without starting its thread: a test runs
for well under the lease's timeout, so nothing it checks depends on a renewal. The keeper itself is left
out of mutation (``do_not_mutate``); its thread is tested by the multi-process tests.
"""

try:
    from relance_tui.store import keeper
except ImportError:  # not this project's layout any more: nothing to mend
    keeper = None


def _add_without_thread(self, lease) -> None:  # noqa: ANN001 - a store.lease.HostLease
    with self._lock:
        self._leases.add(lease)


if keeper is not None:
    keeper._Keeper.add = _add_without_thread
