from relance_tui.cli import main

raise SystemExit(main())
