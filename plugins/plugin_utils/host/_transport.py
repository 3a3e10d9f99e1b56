"""Remote file access for the session-state engine, one class per host family.

Private to the iis.aspnet collection: not a public API.

The engine never talks to a host itself. The action plugin hands a transport two callables:
``execute(module, args)`` runs one module on the host and returns its raw result (it may hold
``failed``/``msg``: interpreting it is the transport's job), and ``put(data)`` uploads bytes to
the remote temp dir (made on the first upload only) and returns the remote path. Every module
call is counted in ``calls`` so tests and benchmarks can hold the call budget (docs/architecture.md).

A read-only run first asks :meth:`Transport.discover` which of its candidate files exist, one call
for all of them (``iis.aspnet.image_file`` op ``stat`` on image hosts, ``ansible.windows.win_find`` on
Windows), so that it then reads only the files that exist, one call each.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ansible_collections.iis.aspnet.plugins.plugin_utils.base._errors import ConfigError, EngineError, OptionError, PartialWrite
from ansible_collections.iis.aspnet.plugins.plugin_utils.document._xmlfile import MAX_BYTES
from ansible_collections.iis.aspnet.plugins.plugin_utils.server import _image
from ansible_collections.iis.aspnet.plugins.plugin_utils.server._apphost import Layout, expand_variables, win_dirname, win_normpath

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

    def discover(self, paths: Iterable[str]) -> None:
        """Learn in one call which of ``paths`` exist: a later read of an absent one makes no call."""

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
WIN_FIND = "ansible.windows.win_find"
SETUP = "ansible.windows.setup"
# setup's env subset alone: '!all' keeps the min subset, '!min' drops it, 'env' adds the variables back.
ENV_SUBSET = ["!all", "!min", "env"]


class WindowsTransport(Transport):
    """Files on a Windows host, through slurp, win_stat and win_copy (one call per operation), win_find to discover.

    ``environment`` is the host's environment variables (its gathered ``env`` facts), to expand
    ``%windir%``-style variables in the folders given to win_find, whose ``paths`` are plain
    strings (slurp, win_stat and win_copy expand them on the host). Without it, discovery first
    asks ``setup`` for the env subset alone: one call.
    """

    def __init__(self, execute: Execute, put: Put, environment: Mapping[str, str] | None = None) -> None:
        super().__init__(execute, put)
        self.environment = dict(environment) if environment is not None else None
        self._exists: dict[str, bool] = {}

    def discover(self, paths: Iterable[str]) -> None:
        """One win_find over the candidates' folders, for their file names; what it lists exists.

        A path whose variables the host does not define, or that is not absolute, is left to its read.
        """
        wanted: dict[str, tuple[str, str]] = {}  # expanded path, casefolded -> (expanded, as the engine names it)
        for path in dict.fromkeys(paths):
            expanded = None if path.casefold() in self._exists else self._expand(path)
            if expanded is not None:
                wanted.setdefault(expanded.casefold(), (expanded, path))
        if not wanted:
            return
        folders = {win_dirname(expanded).casefold(): win_dirname(expanded) for expanded, _path in wanted.values()}
        names = {expanded.rpartition("\\")[2].casefold(): expanded.rpartition("\\")[2] for expanded, _path in wanted.values()}
        # hidden: IIS reads a hidden web.config as any other; no checksum: it would read every file found.
        args = {"paths": list(folders.values()), "patterns": sorted(names.values()), "file_type": "file", "hidden": True,
                "get_checksum": False}
        result = self._run(WIN_FIND, args, next(iter(wanted.values()))[1])
        found = {str(entry.get("path", "")).casefold() for entry in result.get("files") or () if not entry.get("isdir")}
        for key, (_expanded, path) in wanted.items():
            self._exists[path.casefold()] = key in found

    def _expand(self, path: str) -> str | None:
        if "%" in path and self.environment is None:
            result = self._run(SETUP, {"gather_subset": ENV_SUBSET}, "the host's environment variables")
            self.environment = dict((result.get("ansible_facts") or {}).get("ansible_env") or {})
        try:
            expanded = win_normpath(expand_variables(path, self.environment or {}, path))
        except OptionError:  # a variable the host does not define: the read will say what the host makes of it
            return None
        absolute = expanded[1:3] == ":\\" or expanded.startswith("\\\\")
        # win_find names what it finds by the full path, with . and .. resolved: such a path is left to its read.
        return expanded if absolute and not {".", ".."} & set(expanded.split("\\")) else None

    def read(self, path: str) -> bytes | None:
        if self._exists.get(path.casefold()) is False:
            return None
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
        self._stats: dict[str, dict] = {}  # what discover learnt, by casefolded Windows path

    def discover(self, paths: Iterable[str]) -> None:
        """One ``stat`` call for every path not yet known; its case-insensitive matches are kept for the reads."""
        todo = {}
        for path in dict.fromkeys(paths):
            try:
                exact = _image.exact(self.image_root, path)
            except ConfigError:  # not a drive path: its read names the problem
                continue
            if path.casefold() not in self._stats and path.casefold() not in self._found:
                todo.setdefault(path.casefold(), (path, exact))
        if not todo:
            return
        entries = [{"path": exact, "root": self._drive(exact)} for _path, exact in todo.values()]
        result = self._call(IMAGE_FILE, {"op": "stat", "paths": entries})
        reason = failure_message(result)
        if reason is not None:
            raise TransportError(next(iter(todo.values()))[0], result.get("reason") or f"{IMAGE_FILE} failed: {reason}")
        for key, answer in zip(todo, result.get("stats") or ()):
            if answer.get("root_exists") is False and not answer.get("root_parent_exists"):
                raise OptionError("image_root", f"{self.image_root} does not exist (or is not a directory)")
            self._stats[key] = answer

    def _known(self, path: str) -> dict | None:
        """What discover learnt of ``path`` (None: not asked); a refusal is raised, naming the path."""
        answer = self._stats.get(path.casefold())
        if answer is not None and answer.get("reason"):
            raise TransportError(path, answer["reason"])
        return answer

    def read(self, path: str) -> bytes | None:
        known = self._known(path)
        if known is not None:
            answer = self._file("read", known["found"], path) if known.get("exists") else {}
            if not answer.get("exists"):
                return None
        else:
            answer = self._read_walking(path)
            if answer is None:
                return None
        if not isinstance(answer.get("content"), str):
            raise ConfigError(path, f"file is {answer.get('size')} bytes, over the {MAX_BYTES}-byte limit for config files")
        return _base64(path, answer["content"], IMAGE_FILE)

    def _read_walking(self, path: str) -> dict | None:
        """The read answer of an undiscovered path: as written first, then matched by case (None: absent)."""
        exact = _image.exact(self.image_root, path)
        answer = self._file("read", exact, path)
        if answer.get("exists"):
            self._found[path.casefold()] = exact
            return answer
        found = self._locate(path)
        answer = self._file("read", found, path) if found is not None and found != exact else {}
        return answer if answer.get("exists") else None

    def is_dir(self, path: str) -> bool:
        known = self._known(path)
        if known is not None:
            return bool(known.get("isdir"))
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
    environment: Mapping[str, str] | None = None  # a Windows host's environment variables, when its facts hold them


def transport_for(access: HostAccess, args: dict) -> Transport:
    """The transport of the host's family, with its layout (where Windows is, how paths expand)."""
    image_options = [name for name in IMAGE_OPTIONS if args.get(name)]
    if access.windows:
        if image_options:
            raise OptionError(image_options[0], "is for POSIX hosts holding a Windows tree; on a Windows host leave it out")
        transport: Transport = WindowsTransport(access.execute, access.put, access.environment)
        transport.layout = Layout.windows()
        return transport
    if not args.get("image_root"):
        raise OptionError("image_root", IMAGE_ROOT_REQUIRED)
    transport = ImageTransport(access.execute, access.put, args["image_root"])
    transport.layout = Layout.image(args.get("image_environment"), args.get("image_shares"))
    return transport


__all__ = [
    "Execute", "Put", "TransportError", "failure_message", "warning_texts", "sha1_hex", "ModuleRunner", "Transport",
    "Write", "changed_since_read", "SLURP", "WIN_STAT", "WIN_COPY", "WIN_FIND", "SETUP", "WindowsTransport", "IMAGE_FILE",
    "ImageTransport", "HostAccess", "transport_for", "IMAGE_OPTIONS",
]
