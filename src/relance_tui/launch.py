"""Where the ``relance`` command starts (the console script and ``python -m relance_tui``): the garbage
collector paused before anything heavy is imported (relance_tui/gcpause.py), then the command line."""


def run() -> None:
    from relance_tui import gcpause

    gcpause.pause()
    from relance_tui.cli import run as run_cli

    run_cli()
