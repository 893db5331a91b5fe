from relance_tui.launch import run

run()
