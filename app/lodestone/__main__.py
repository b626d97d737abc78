"""`python -m lodestone` runs the same command as the `lodestone` entry point."""

import sys

from lodestone.cli import main

sys.exit(main())
