"""Remote file access for the session-state engine, one class per host family.

Private to the iis.aspnet collection: not a public API.

The engine never talks to a host itself. The action plugin hands a transport two callables:
``execute(module, args)`` runs one module on the host and returns its raw result (it may hold
``failed``/``msg``: interpreting it is the transport's job), and ``put(data)`` uploads bytes to
the remote temp dir (made on the first upload only) and returns the remote path. Every module
call is counted in ``calls`` so tests and benchmarks can hold the call budget (DESIGN 4).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
from collections.abc import Callable

from ansible_collections.iis.aspnet.plugins.plugin_utils import _image
from ansible_collections.iis.aspnet.plugins.plugin_utils._errors import ConfigError

Execute = Callable[[str, dict], dict]
Put = Callable[[bytes], str]


class TransportError(ConfigError):
    """A remote call that failed; names the host's file (or service) and the module's message."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(target, reason)
        self.target = target


def failure_message(result: dict) -> str | None:
    """The module's own failure text, or None when the result is a success."""
    if not result.get("failed"):
        return None
    # ansible-core 2.19 reports an exception a module raised (the copy module's failed rename, say)
    # only as an error summary in "exception", without "msg".
    msg = str(result.get("msg") or "").strip() or _exception_text(result.get("exception"))
    # A module that crashed before printing JSON carries only rc and stderr.
    return msg or f"the module failed without a message (rc={result.get('rc')})"


def _exception_text(summary: object) -> str:
    """``cause: its cause: ...`` from an error summary (``.event.msg``, ``.event.chain.event``...)."""
    texts: list[str] = []
    event = getattr(summary, "event", None)
    for _depth in range(10):  # a chain of causes is short; never follow a cycle forever
        if event is None:
            break
        text = str(getattr(event, "msg", None) or "").strip()
        if text:
            texts.append(text)
        event = getattr(getattr(event, "chain", None), "event", None)
    return ": ".join([text.rstrip(".") for text in texts[:-1]] + texts[-1:])


def warning_texts(result: dict) -> list[str]:
    """Warnings a module returned, as text (ansible-core 2.19 may decode them into objects)."""
    texts = []
    for warning in result.get("warnings") or ():
        event = getattr(warning, "event", None)
        texts.append(str(getattr(event, "msg", None) or warning))
    return texts


def sha1_hex(data: bytes | None) -> str | None:
    """The checksum win_stat/stat report for these bytes (None for an absent file)."""
    return None if data is None else hashlib.sha1(data).hexdigest()


class ModuleRunner:
    """Runs modules through ``execute``: counts each call and turns failures into errors."""

    def __init__(self, execute: Execute) -> None:
        self._execute = execute
        self.calls: list[str] = []
        self.warnings: list[str] = []

    def _call(self, module: str, args: dict) -> dict:
        """One module call, result unchecked (for callers that read a failure as an answer)."""
        self.calls.append(module)
        # A copy: Ansible's module layer may rewrite args in place (it unquotes Windows paths).
        result = self._execute(module, dict(args))
        self.warnings.extend(f"{module}: {text}" for text in warning_texts(result))
        return result

    def _run(self, module: str, args: dict, target: str) -> dict:
        """One module call whose failure is an error naming ``target`` and the module's message."""
        result = self._call(module, args)
        reason = failure_message(result)
        if reason is not None:
            raise TransportError(target, f"{module} failed: {reason}")
        return result


class Transport(ModuleRunner):
    """What the engine needs from a host's file system (Windows paths in, bytes out)."""

    def __init__(self, execute: Execute, put: Put) -> None:
        super().__init__(execute)
        self._put = put

    def read(self, path: str) -> bytes | None:
        """The file's bytes; None when it does not exist."""
        raise NotImplementedError

    def is_dir(self, path: str) -> bool:
        """Whether a directory exists at ``path``."""
        raise NotImplementedError

    def checksum(self, path: str) -> str | None:
        """SHA-1 (lowercase hex) of the file as it is now; None when it does not exist."""
        raise NotImplementedError

    def write(self, path: str, data: bytes, backup: bool) -> str | None:
        """Replace (or create) the file; returns the backup file's path, if one was made."""
        raise NotImplementedError

    def assert_unchanged(self, path: str, expected: bytes | None) -> None:
        """Compare (before a swap): the file must still hold ``expected`` (None: still absent)."""
        now = self.checksum(path)
        if now != sha1_hex(expected):
            was, found = _describe(sha1_hex(expected)), _describe(now)
            raise TransportError(path, f"changed on the host since it was read (was {was}, now {found}); nothing written")


def _describe(checksum: str | None) -> str:
    return "absent" if checksum is None else f"sha1 {checksum}"


SLURP = "ansible.builtin.slurp"  # on a Windows host ansible-core runs ansible.windows.slurp (ps1)
WIN_STAT = "ansible.windows.win_stat"
WIN_COPY = "ansible.windows.win_copy"
IMAGE_STAT = "ansible.builtin.stat"
IMAGE_FIND = "ansible.builtin.find"
IMAGE_COPY = "ansible.builtin.copy"


class WindowsTransport(Transport):
    """Files on a Windows host, through slurp, win_stat and win_copy (one call per operation)."""

    def read(self, path: str) -> bytes | None:
        result = self._call(SLURP, {"src": path})
        reason = failure_message(result)
        if reason is not None:
            # slurp.ps1 has no "exists" flag: absence is only its failure text.
            if reason.startswith("Path ") and reason.endswith(" is not found"):
                return None
            raise TransportError(path, f"{SLURP} failed: {reason}")
        return _decode(path, result)

    def is_dir(self, path: str) -> bool:
        stat = self._stat(path, get_checksum=False)
        return bool(stat.get("exists") and stat.get("isdir"))

    def checksum(self, path: str) -> str | None:
        stat = self._stat(path, get_checksum=True, checksum_algorithm="sha1")
        if not stat.get("exists"):
            return None
        if stat.get("isdir"):
            raise TransportError(path, "is a directory, not a config file")
        checksum = stat.get("checksum")
        if not isinstance(checksum, str) or not checksum:
            raise TransportError(path, f"{WIN_STAT} returned no checksum")
        return checksum.lower()

    def write(self, path: str, data: bytes, backup: bool) -> str | None:
        source = self._put(data)
        # The module alone, as the win_copy action does after its own upload: going through the
        # action would add a query call. Single mode copies without comparing (that is the
        # caller's compare and swap). No _original_basename: dest is always the file itself, and
        # without it the module fails instead of writing inside a directory that took its place.
        args = {"src": source, "dest": path, "backup": bool(backup), "_copy_mode": "single"}
        result = self._run(WIN_COPY, args, path)
        return result.get("backup_file") or None

    def _stat(self, path: str, **options) -> dict:
        # get_size off: on a directory win_stat would otherwise walk the whole tree to sum it.
        result = self._run(WIN_STAT, {"path": path, "get_size": False, **options}, path)
        stat = result.get("stat")
        if not isinstance(stat, dict):
            raise TransportError(path, f"{WIN_STAT} returned no stat")
        return stat


def _decode(path: str, result: dict) -> bytes:
    if result.get("encoding") != "base64" or not isinstance(result.get("content"), str):
        raise TransportError(path, f"{SLURP} returned no base64 content")
    try:
        return base64.b64decode(result["content"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TransportError(path, f"{SLURP} returned content that is not base64: {exc}") from exc


# ---- image hosts


class ImageTransport(Transport):
    """A POSIX host holding a Windows tree under ``image_root``, through ansible.builtin modules.

    Paths are tried exactly as written first; a directory is listed (``find``) only when a
    component is not found that way, and each listing is made once per run.
    """

    def __init__(self, execute: Execute, put: Put, image_root: str) -> None:
        super().__init__(execute, put)
        self.image_root = image_root.rstrip("/") or "/"
        self._found: dict[str, str | None] = {}
        self._listings: dict[str, list[str] | None] = {}

    def read(self, path: str) -> bytes | None:
        exact = _image.exact(self.image_root, path)
        result = self._call(SLURP, {"src": exact})
        if failure_message(result) is None:
            self._found[path.casefold()] = exact
            return _decode(path, result)
        if "not found" not in failure_message(result):
            raise TransportError(path, f"cannot be read: {failure_message(result)}")
        found = self._locate(path)
        if found is None or found == exact:
            return None
        return _decode(path, self._run(SLURP, {"src": found}, path))

    def is_dir(self, path: str) -> bool:
        exact = _image.exact(self.image_root, path)
        stat = self._stat(exact)
        if stat.get("exists"):
            self._found[path.casefold()] = exact
        else:
            found = self._locate(path)
            stat = self._stat(found) if found else {}
        return bool(stat.get("isdir"))

    def checksum(self, path: str) -> str | None:
        stat = self._stat(self._destination(path), get_checksum=True, checksum_algorithm="sha1")
        return stat.get("checksum") if stat.get("exists") else None

    def write(self, path: str, data: bytes, backup: bool) -> str | None:
        # The copy module replaces the file atomically (a rename in its directory).
        args = {"src": self._put(data), "dest": self._destination(path), "backup": bool(backup),
                "checksum": sha1_hex(data), "_original_basename": _image.split(path)[-1]}
        return self._run(IMAGE_COPY, args, path).get("backup_file") or None

    def _destination(self, path: str) -> str:
        """Where ``path`` is in the image, or would be created (its directory matched by case)."""
        found = self._locate(path)
        if found is not None:
            return found
        parts = _image.split(path)
        directory = parts[0] + ":\\" + "\\".join(parts[1:-1])
        return posixpath.join(self._locate(directory) or _image.exact(self.image_root, directory), parts[-1])

    def _locate(self, path: str) -> str | None:
        key = path.casefold()
        if key not in self._found:
            self._found[key] = _image.match_case(self.image_root, path, self._listdir)
        return self._found[key]

    def _listdir(self, directory: str) -> list[str] | None:
        if directory not in self._listings:
            result = self._call(IMAGE_FIND, {"paths": [directory], "file_type": "any", "hidden": True, "recurse": False})
            missing = failure_message(result) is not None or directory in (result.get("skipped_paths") or {})
            self._listings[directory] = None if missing else [posixpath.basename(item["path"]) for item in result.get("files", [])]
        return self._listings[directory]

    def _stat(self, path: str, **options) -> dict:
        return self._run(IMAGE_STAT, {"path": path, "get_checksum": False, **options}, path).get("stat", {})


__all__ = [
    "Execute", "Put", "TransportError", "failure_message", "warning_texts", "sha1_hex", "ModuleRunner", "Transport",
    "SLURP", "WIN_STAT", "WIN_COPY", "WindowsTransport", "IMAGE_STAT", "IMAGE_FIND", "IMAGE_COPY", "ImageTransport",
]
