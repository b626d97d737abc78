"""The script PyInstaller freezes: the same `lodestone` command the installed package runs.

PyInstaller needs a script file rather than an entry point; keeping it this small means the
bundle and `pip install` can never run different start-up code. A big CSV import parses its
rows in worker processes, which a frozen program starts by running itself again:
`freeze_support()` must come first, so that such a run becomes the worker instead of
starting another window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from lodestone.cli import main

    sys.exit(main())
