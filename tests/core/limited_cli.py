"""Run `lodestone` in a child process whose files may not grow past a size: a full disk.

RLIMIT_FSIZE (as `prlimit --fsize`) makes the kernel refuse every write past the limit with
EFBIG (SIGXFSZ is ignored, as Python does by default), which SQLite and Python see exactly as
they see a full disk: a real error from a real write, in this child only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
from lodestone.cli import main
sys.exit(main(sys.argv[2:]))
"""


def run_limited(fsize: int, *argv: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`lodestone ARGV` with files capped at `fsize` bytes; its exit status and output."""
    return subprocess.run([sys.executable, "-c", CHILD, str(fsize), *map(str, argv)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def one_line_failure(result: subprocess.CompletedProcess) -> str:
    """The single line on stderr of a command that failed as the README promises."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("lodestone: error:")
    return result.stderr
