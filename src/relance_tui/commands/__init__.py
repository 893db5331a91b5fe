"""The ``relance`` subcommands, one module per group; relance_tui/cli.py builds the parser from their
``add_parsers`` and runs them (``COMMANDS``). Every command is a thin call into the layers."""
