"""Offline stand-in for the get-pip script that ansible-test downloads.

ansible-test bootstraps pip in each test venv with a script fetched from a host that these
machines cannot reach. `make sanity` copies this file to the cache path where ansible-test looks
first (in a private HOME under build/), so pip comes from ensurepip and the configured index.
"""

from __future__ import annotations

import subprocess
import sys


def main() -> None:
    """Install pip with ensurepip, then install what ansible-test asked for."""
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
