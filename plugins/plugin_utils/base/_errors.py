"""Errors raised by the session-state engine.

Private to the iis.aspnet collection: not a public API.
Every refusal names the thing it refuses (a config file or an option) and the reason, so the
action plugin can turn it into a failed task without adding context of its own.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class: anything the engine refuses."""


class ConfigError(EngineError):
    """A config file that cannot be read, trusted or edited safely."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class OptionError(EngineError):
    """An option value, or a combination of options, that the runtime or the design refuses."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason


class PartialWrite(EngineError):
    """A write failed after other files of the same run were written: those changes stay made."""

    def __init__(self, cause: Exception, written: dict[str, str | None]) -> None:
        super().__init__(f"{cause}; already written in this run, and left in their new state: {', '.join(written)}")
        self.cause = cause
        self.written = written  # path -> backup file (or None)


__all__ = ["EngineError", "ConfigError", "OptionError", "PartialWrite"]
