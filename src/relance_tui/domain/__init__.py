"""Pure domain rules: money, dates, aging, penalties, priorities.

Nothing in this package does I/O or imports Textual, SQL or anything of ours
outside ``relance_tui.domain``.
"""
