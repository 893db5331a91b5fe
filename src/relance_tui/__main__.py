from relance_tui.cli import run

run()
