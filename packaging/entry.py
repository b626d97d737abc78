"""The script PyInstaller freezes: the same `lodestone` command the installed package runs.

PyInstaller needs a script file rather than an entry point; keeping it this small means the
bundle and `pip install` can never run different start-up code.
"""

import sys

from lodestone.cli import main

if __name__ == "__main__":
    sys.exit(main())
