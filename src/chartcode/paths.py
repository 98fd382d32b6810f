"""Where chartcode keeps its files: the user's data directory, or ``$CHARTCODE_HOME``."""

from __future__ import annotations

import os
from pathlib import Path

STORE_FILENAME = "reference.sqlite"


def data_home() -> Path:
    """The directory for the reference store, downloads and user data.

    ``CHARTCODE_HOME`` wins so that tests, containers and several installs can keep separate
    stores; otherwise the XDG data directory (``~/.local/share/chartcode`` on Linux).
    """
    override = os.environ.get("CHARTCODE_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("chartcode", appauthor=False))


def default_store_path() -> Path:
    return data_home() / STORE_FILENAME


def downloads_dir() -> Path:
    return data_home() / "downloads"
