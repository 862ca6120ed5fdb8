"""Make the peers' own virtualenv: ``python -m benchmarks.peer_env DIR``.

python-glanceclient and openstacksdk (pinned in ``peers-requirements.txt``)
never share an interpreter with pyrax_image: their workers run in DIR's
Python, so their dependencies and import cost stay out of ours. The
virtualenv is rebuilt only when the pins change.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent / "peers-requirements.txt"


def ensure(directory: Path) -> Path:
    """The peers' interpreter in ``directory``, installed if needed."""
    python = directory / "bin" / "python"
    stamp = directory / "requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(directory)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return python


if __name__ == "__main__":
    ensure(Path(sys.argv[1]))
