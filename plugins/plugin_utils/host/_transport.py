"""Remote file access for the session-state engine, one class per host family.

Private to the iis.aspnet collection: not a public API.

The engine never talks to a host itself. The action plugin hands a transport two callables:
``execute(module, args)`` runs one module on the host and returns its raw result (it may hold
``failed``/``msg``: interpreting it is the transport's job), and ``put(data)`` uploads bytes to
the remote temp dir (made on the first upload only) and returns the remote path. Every module
call is counted in ``calls`` so tests and benchmarks can hold the call budget (docs/architecture.md).

Writes go through :meth:`Transport.commit`, which compares every file with what was read before
it replaces any (compare and swap). Image hosts do both in one call of the collection's own
module ``iis.aspnet.image_file``, which also keeps every path inside its drive folder; Windows
hosts compare with ``win_stat`` and write with ``win_copy``, two calls apart (docs/windows.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, EngineError, OptionError, PartialWrite
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import MAX_BYTES
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _image
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import Layout

Execute = Callable[[str, dict], dict]
Put = Callable[[bytes], str]
IMAGE_OPTIONS = ("image_root", "image_environment", "image_shares")
IMAGE_ROOT_REQUIRED = "required on a host that is not Windows: it names the directory holding the Windows tree"


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


@dataclass(frozen=True)
class Write:
    """One file to replace: as it was read (None: absent, to be created) and as it is to be."""

    path: str
    before: bytes | None
    after: bytes


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

    def commit(self, writes: list[Write], backup: bool) -> dict[str, str | None]:
        """Compare and swap: no file is written unless every one still holds its ``before``.

        Returns the backup file of each path written (or None). A failure after some files were
        written raises PartialWrite naming them.
        """
        raise NotImplementedError


def changed_since_read(path: str, was: str | None, now: str | None) -> TransportError:
    return TransportError(path, f"changed on the host since it was read (was {_describe(was)}, now {_describe(now)}); nothing written")


def _describe(checksum: str | None) -> str:
    return "absent" if checksum is None else f"sha1 {checksum}"


SLURP = "ansible.builtin.slurp"  # on a Windows host ansible-core runs ansible.windows.slurp (ps1)
WIN_STAT = "ansible.windows.win_stat"
WIN_COPY = "ansible.windows.win_copy"


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

    def commit(self, writes: list[Write], backup: bool) -> dict[str, str | None]:
        # Uploads first, so that the window between a file's win_stat and its win_copy holds no
        # upload: only the other files' calls and win_copy's own start (docs/windows.md).
        sources = [self._put(write.after) for write in writes]
        for write in writes:
            self.assert_unchanged(write.path, write.before)
        written: dict[str, str | None] = {}
        for write, source in zip(writes, sources):
            try:
                written[write.path] = self._copy(source, write.path, backup)
            except EngineError as exc:
                if written:
                    raise PartialWrite(exc, written) from exc
                raise
        return written

    def assert_unchanged(self, path: str, expected: bytes | None) -> None:
        """Compare (before a swap): the file must still hold ``expected`` (None: still absent)."""
        now = self.checksum(path)
        if now != sha1_hex(expected):
            raise changed_since_read(path, sha1_hex(expected), now)

    def write(self, path: str, data: bytes, backup: bool) -> str | None:
        """Replace (or create) the file without comparing; returns the backup file's path, if one was made."""
        return self._copy(self._put(data), path, backup)

    def _copy(self, source: str, path: str, backup: bool) -> str | None:
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
    return _base64(path, result["content"], SLURP)


# ---- image hosts

IMAGE_FILE = "iis.aspnet.image_file"


class ImageTransport(Transport):
    """A POSIX host holding a Windows tree under ``image_root``, through ``iis.aspnet.image_file``.

    Every path is resolved on the host and must stay inside its drive folder (``<image_root>/C``):
    the module refuses a link that leads out, a link loop, and a special file (before opening
    it). Paths are tried exactly as written first; a directory is listed only when a component
    is not found that way, and each listing is made once per run.
    """

    def __init__(self, execute: Execute, put: Put, image_root: str) -> None:
        super().__init__(execute, put)
        self.image_root = image_root.rstrip("/") or "/"
        self._found: dict[str, str | None] = {}
        self._listings: dict[str, list[str] | None] = {}

    def read(self, path: str) -> bytes | None:
        exact = _image.exact(self.image_root, path)
        answer = self._file("read", exact, path)
        if answer.get("exists"):
            self._found[path.casefold()] = exact
        else:
            found = self._locate(path)
            answer = self._file("read", found, path) if found is not None and found != exact else {}
            if not answer.get("exists"):
                return None
        if not isinstance(answer.get("content"), str):
            raise ConfigError(path, f"file is {answer.get('size')} bytes, over the {MAX_BYTES}-byte limit for config files")
        return _base64(path, answer["content"], IMAGE_FILE)

    def is_dir(self, path: str) -> bool:
        exact = _image.exact(self.image_root, path)
        answer = self._file("list", exact, path)
        if answer.get("exists"):
            self._found[path.casefold()] = exact
        else:
            found = self._locate(path)
            answer = self._file("list", found, path) if found else {}
        return bool(answer.get("isdir"))

    def commit(self, writes: list[Write], backup: bool) -> dict[str, str | None]:
        """One module call compares every file and, only if all are as read, renames each into place."""
        files, names = [], {}
        for write in writes:
            destination = self._destination(write.path)
            names[destination] = write.path
            files.append({"path": destination, "root": self._drive(destination), "src": self._put(write.after),
                          "checksum": sha1_hex(write.after), "expected": sha1_hex(write.before)})
        result = self._call(IMAGE_FILE, {"op": "swap", "files": files, "backup": bool(backup)})
        written = {names[entry["path"]]: entry.get("backup_file") for entry in result.get("files") or ()}
        if failure_message(result) is not None:
            error = self._swap_error(result, names, writes[0].path)
            raise PartialWrite(error, written) if written else error
        for entry in result.get("files") or ():
            if entry.get("written") != entry["path"]:
                self.warnings.append(f"{names[entry['path']]} is a symbolic link: the file it leads to, "
                                     f"{self._windows_path(entry.get('written'))}, was written and the link kept")
        return written

    def _swap_error(self, result: dict, names: dict[str, str], first: str) -> TransportError:
        changed = result.get("changed_files") or []
        if changed:
            errors = [changed_since_read(names.get(item["path"], item["path"]), item.get("was"), item.get("now")) for item in changed]
            if len(errors) == 1:
                return errors[0]
            also = ", ".join(error.path for error in errors[1:])
            return TransportError(errors[0].path, f"{errors[0].reason.removesuffix('; nothing written')}; also changed: {also}; "
                                                  "nothing written")
        reason = result.get("reason") or f"{IMAGE_FILE} failed: {failure_message(result)}"
        return TransportError(names.get(result.get("failed_path"), first), reason)

    def _file(self, op: str, image_path: str, path: str) -> dict:
        """One read or list call; a refusal names the Windows ``path`` and the module's reason."""
        args = {"op": op, "path": image_path, "root": self._drive(image_path)}
        if op == "read":
            args["max_bytes"] = MAX_BYTES
        result = self._call(IMAGE_FILE, args)
        reason = failure_message(result)
        if reason is not None:
            raise TransportError(path, result.get("reason") or f"{IMAGE_FILE} failed: {reason}")
        if result.get("root_exists") is False and (args["root"] == self.image_root or not result.get("root_parent_exists")):
            # Nothing of the image exists: say so rather than report every file as not installed.
            raise OptionError("image_root", f"{self.image_root} does not exist (or is not a directory)")
        return result

    def _drive(self, image_path: str) -> str:
        """The drive folder holding ``image_path`` (``image_root`` itself for the root)."""
        relative = posixpath.relpath(image_path, self.image_root)
        return self.image_root if relative == "." else posixpath.join(self.image_root, relative.split("/")[0])

    def _windows_path(self, image_path: str) -> str:
        """``<image_root>/C/a/b`` as ``C:\\a\\b``."""
        drive, *rest = posixpath.relpath(image_path, self.image_root).split("/")
        return f"{drive.upper()}:\\" + "\\".join(rest)

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
            self._found[key] = _image.match_case(self.image_root, path, lambda directory: self._listdir(directory, path))
        return self._found[key]

    def _listdir(self, directory: str, path: str) -> list[str] | None:
        if directory not in self._listings:
            answer = self._file("list", directory, path)
            self._listings[directory] = answer.get("entries") if answer.get("isdir") else None
        return self._listings[directory]


def _base64(path: str, content: str, module: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TransportError(path, f"{module} returned content that is not base64: {exc}") from exc


@dataclass(frozen=True)
class HostAccess:
    """What an action hands the engine: the host's family and its two ways to reach the host."""

    windows: bool
    execute: Execute
    put: Put


def transport_for(access: HostAccess, args: dict) -> Transport:
    """The transport of the host's family, with its layout (where Windows is, how paths expand)."""
    image_options = [name for name in IMAGE_OPTIONS if args.get(name)]
    if access.windows:
        if image_options:
            raise OptionError(image_options[0], "is for POSIX hosts holding a Windows tree; on a Windows host leave it out")
        transport: Transport = WindowsTransport(access.execute, access.put)
        transport.layout = Layout.windows()
        return transport
    if not args.get("image_root"):
        raise OptionError("image_root", IMAGE_ROOT_REQUIRED)
    transport = ImageTransport(access.execute, access.put, args["image_root"])
    transport.layout = Layout.image(args.get("image_environment"), args.get("image_shares"))
    return transport


__all__ = [
    "Execute", "Put", "TransportError", "failure_message", "warning_texts", "sha1_hex", "ModuleRunner", "Transport",
    "Write", "changed_since_read", "SLURP", "WIN_STAT", "WIN_COPY", "WindowsTransport", "IMAGE_FILE", "ImageTransport",
    "HostAccess", "transport_for", "IMAGE_OPTIONS",
]
