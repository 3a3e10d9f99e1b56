#!/usr/bin/python
# Copyright: contributors to the iis.aspnet collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_file
short_description: Read, list, stat and compare-and-swap files inside the drive folders of a Windows tree on a POSIX host
version_added: 0.2.0
description:
  - The file access of the collection's action plugins on image hosts (hosts given
    O(iis.aspnet.session_state#module:image_root)). Playbooks do not need to call it; it is documented because it runs on
    the host like any module.
  - Every path is resolved on the host and must stay inside its drive folder O(root) (C(<image_root>/C), C(<image_root>/D)...).
    The drive folder may itself be a symbolic link (to where the drive is mounted); a symbolic link below it that leads
    outside it is refused, naming the link and where it leads, and nothing is read or written through it. A link loop is
    refused too.
  - A path that is not a regular file (a named pipe, a device, a socket, a directory) is refused before it is opened, so a
    named pipe never blocks the run.
  - O(op=stat) tells for many paths at once whether each exists and is a directory, so a caller learns which of its
    candidate files exist in one call. It opens nothing. A component not found as written is matched case-insensitively
    against the entries of its directory (as Windows matches names), each directory listed at most once per call; two
    entries that differ only in case are refused for the paths that need them. The containment and link rules above
    apply to every path.
  - O(op=swap) compares and swaps in one call - for each file it writes a temporary file beside the target, then checks
    that every target still has the checksum the caller read, then renames each temporary file over its target
    (an atomic replace). When any target changed, nothing is written. A file that is a symbolic link inside the drive folder
    is written where it leads, and the link is kept.
author:
  - iis.aspnet maintainers (@iis-aspnet)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  op:
    description:
      - V(read) returns the content of O(path); V(list) the names in directory O(path); V(stat) whether each of
        O(paths) exists; V(swap) replaces O(files).
    type: str
    choices: [read, list, stat, swap]
    required: true
  path:
    description:
      - The file (V(read)) or directory (V(list)), at or below O(root). Required with those operations.
      - A missing path is not an error - RV(exists) is then V(false).
    type: str
  root:
    description:
      - The drive folder the path must stay inside. Required with V(read) and V(list).
    type: str
  paths:
    description:
      - With V(stat), the paths to look up, in order; the answer RV(stats) keeps that order.
    type: list
    elements: dict
    suboptions:
      path:
        description: The file or directory, at or below O(paths[].root), with its components in any case.
        type: str
        required: true
      root:
        description:
          - Its drive folder. When no folder has that name, a folder of the same directory whose name differs only in
            case is the drive folder.
        type: str
        required: true
  max_bytes:
    description:
      - V(read) returns no content for a larger file, only RV(size).
    type: int
    default: 67108864
  files:
    description:
      - With V(swap), the files to replace, in order. All are compared before any is renamed.
    type: list
    elements: dict
    suboptions:
      path:
        description: The file to replace or create.
        type: str
        required: true
      root:
        description: Its drive folder.
        type: str
        required: true
      src:
        description: A file on the host holding the new content (for example in the remote temporary directory).
        type: str
        required: true
      checksum:
        description: SHA-1 of the new content; the content of O(files[].src) must have it.
        type: str
        required: true
      expected:
        description:
          - SHA-1 the target must still have; V(null) when it must still be absent (a file to create).
        type: str
  backup:
    description:
      - With V(swap), keep the replaced file beside it as C(<file>.<process id>.<yyyyMMdd-HHmmss>.bak), a name Windows
        accepts (as M(ansible.windows.win_copy) names its backups), so the tree can be copied back to NTFS.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details:
      - V(read), V(list) and V(stat) never change anything; V(swap) in check mode compares and writes nothing.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
notes:
  - Between the compare and the rename of a file only the file's identity is checked again (an C(lstat)); another writer
    that replaces the file in that window, microseconds long, is the one remaining race.
seealso:
  - module: iis.aspnet.session_state
"""

EXAMPLES = r"""
- name: Read a root web.config of an offline image
  iis.aspnet.image_file:
    op: read
    root: /srv/images/web01/C
    path: /srv/images/web01/C/Windows/Microsoft.NET/Framework64/v4.0.30319/Config/web.config
  register: root_web_config

- name: Learn which of several config files exist, in one call
  iis.aspnet.image_file:
    op: stat
    paths:
      - root: /srv/images/web01/C
        path: /srv/images/web01/C/inetpub/wwwroot/web.config
      - root: /srv/images/web01/D
        path: /srv/images/web01/D/Sites/Intranet/HR/web.config
  register: config_files
"""

RETURN = r"""
exists:
  description: Whether O(path) exists (V(read), V(list)).
  returned: op is read or list
  type: bool
root_exists:
  description:
    - V(false) when the drive folder O(root) does not exist (O(path) is then absent); not returned otherwise.
  returned: op is read or list and O(root) does not exist
  type: bool
root_parent_exists:
  description:
    - Whether the directory holding O(root) (the image root) exists, so that a missing drive can be told from a
      wrong image root.
  returned: op is read or list and O(root) does not exist
  type: bool
isdir:
  description: Whether O(path) is a directory.
  returned: op is list
  type: bool
entries:
  description: The names in the directory, sorted.
  returned: op is list and the directory exists
  type: list
  elements: str
content:
  description: The file's content, base64-encoded.
  returned: op is read, the file exists and is at most O(max_bytes) bytes long
  type: str
size:
  description: The file's size in bytes.
  returned: op is read and the file exists
  type: int
link:
  description: Where O(path) leads when it is itself a symbolic link (its real path); V(null) otherwise.
  returned: op is read
  type: str
files:
  description:
    - One entry per file of O(files), once written.
    - On a failure after some files were renamed, the entries of those files (they keep their new content).
  returned: op is swap
  type: list
  elements: dict
  contains:
    path:
      description: The path as given.
      type: str
    written:
      description: The file written (where a symbolic link led, or the path itself), below O(files[].root).
      type: str
    backup_file:
      description: The backup, below O(files[].root); V(null) without O(backup) or for a created file.
      type: str
reason:
  description: On failure, the cause without the path, for callers that name the file their own way.
  returned: failure
  type: str
failed_path:
  description: On failure, the O(path) or O(files[].path) concerned.
  returned: failure
  type: str
stats:
  description:
    - One entry per O(paths) entry, in order.
  returned: op is stat
  type: list
  elements: dict
  contains:
    path:
      description: The O(paths[].path) as given.
      type: str
    exists:
      description: Whether the path exists (matched case-insensitively where not found as written).
      type: bool
    isdir:
      description: Whether it is a directory; returned when it exists.
      type: bool
    found:
      description:
        - The path with each component as it is on disk (the drive folder included), to read it with; returned when it
          exists.
      type: str
    root_exists:
      description: V(false) when no drive folder matches O(paths[].root); not returned otherwise.
      type: bool
    root_parent_exists:
      description: With RV(stats[].root_exists), whether the directory holding the drive folder exists.
      type: bool
    reason:
      description:
        - Why the path is refused (a link leading outside its drive folder, a link loop, names that differ only in
          case); the other entries are still answered.
      type: str
changed_files:
  description: When a target no longer holds what the caller read - each such O(files[].path), with the checksum expected
    (C(was)) and found (C(now)), V(null) meaning absent. Nothing was written.
  returned: failure
  type: list
  elements: dict
"""

import base64
import errno
import hashlib
import os
import stat
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

_CHUNK = 1 << 20
# What link() says on a file system without hard links (FAT, exFAT, some FUSE mounts).
_NO_LINKS = (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP)
_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a directory"}


class Refused(Exception):
    """A path the module will not touch; ``reason`` says why (without the path)."""

    def __init__(self, path, reason):
        super().__init__(reason)
        self.path = path
        self.reason = reason


def _inside(path, root):
    return path == root or path.startswith(root.rstrip("/") + "/")


def _real_root(root):
    real = os.path.realpath(root)
    if not os.path.isdir(real):
        raise Refused(root, "the drive folder %s does not exist" % root)
    return real


def resolve(path, root):
    """The real path of ``path``; every link below ``root`` must lead inside it, or Refused.

    The path need not exist: its missing tail is joined as written. Links are followed one
    component at a time, so the message names the link that leads out.
    """
    return _walk(path, root, root)[0]


def _walk(path, root, drive, match=None):
    """(real path, path below ``drive`` as found) of ``path`` given below ``root``; (None, None) when absent.

    ``drive`` is the drive folder to walk (``root`` itself, or the folder matching it by case).
    ``match(directory, name, path)`` names the entry to take for a component (None: absent); without
    it every component is taken as written.
    """
    real_root = _real_root(drive)
    relative = os.path.relpath(os.path.normpath(path), os.path.normpath(root))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        raise Refused(path, "is not below the drive folder %s" % root)
    current, shown = real_root, drive.rstrip("/")
    for part in [] if relative == os.curdir else relative.split(os.sep):
        if match is not None:
            part = match(current, part, path)
            if part is None:
                return None, None
        current, shown = os.path.join(current, part), shown + "/" + part
        if os.path.islink(current):
            current = _follow(path, current, shown, real_root, drive)
    return current, shown


def _follow(path, current, shown, real_root, root):
    """The real path the link at ``current`` (``shown`` below ``root``) leads to, kept inside ``real_root``."""
    try:
        target = os.readlink(current)
    except OSError as exc:
        raise Refused(path, "cannot read the symbolic link %s: %s" % (shown, exc.strerror))
    resolved = os.path.realpath(current)
    if os.path.islink(resolved):  # realpath stops on a loop and returns a link
        raise Refused(path, "%s is a symbolic link loop (it leads to %s); refused" % (shown, target))
    if not _inside(resolved, real_root):
        leads = target if os.path.normpath(target) == resolved else "%s (%s)" % (target, resolved)
        raise Refused(path, "%s is a symbolic link to %s, outside the drive folder %s; refused, nothing read "
                            "or written through it" % (shown, leads, root))
    return resolved


def _kind(mode):
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _lstat(real):
    """lstat of a resolved path, None when absent (or when a component is not a directory)."""
    try:
        return os.lstat(real)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        raise


def _regular(real, shown):
    """The lstat of a regular file at ``real``, None when absent; anything else refused unopened."""
    st = _lstat(real)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise Refused(shown, "is %s, not a regular file; refused without opening it" % _kind(st.st_mode))
    return st


def _open_regular(real, shown, st):
    """A file descriptor on the same regular file as ``st`` (non-blocking, no link followed)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(real, flags)
    now = os.fstat(fd)
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise Refused(shown, "was replaced while being opened; run again")
    return fd


def _read_fd(fd, limit):
    chunks, size = [], 0
    while size <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _reason(exc):
    """An OSError in words (strerror, and the file when it is not the one already named)."""
    return exc.strerror or str(exc)


def _absent_drive(root):
    """The answer for a path in a drive folder that does not exist (None when it exists).

    Not a refusal: a drive the image does not hold is like a drive the server lacks. Whether
    the folder holding the drive exists tells the caller a missing drive from a wrong image root.
    """
    if os.path.isdir(os.path.realpath(root)):
        return None
    return {"exists": False, "root_exists": False, "root_parent_exists": os.path.isdir(os.path.dirname(root.rstrip("/")) or "/")}


def read(path, root, max_bytes):
    absent = _absent_drive(root)
    if absent is not None:
        return dict(absent, link=None)
    real = resolve(path, root)
    st = _regular(real, path)
    if st is None:
        return {"exists": False, "link": None}
    link = real if os.path.islink(path) else None
    if st.st_size > max_bytes:
        return {"exists": True, "size": st.st_size, "link": link}
    fd = _open_regular(real, path, st)
    try:
        data = _read_fd(fd, max_bytes)
    finally:
        os.close(fd)
    return {"exists": True, "size": len(data), "link": link, "content": base64.b64encode(data).decode("ascii")}


def listing(path, root):
    absent = _absent_drive(root)
    if absent is not None:
        return dict(absent, isdir=False)
    real = resolve(path, root)
    st = _lstat(real)
    if st is None:
        return {"exists": False, "isdir": False}
    if not stat.S_ISDIR(st.st_mode):
        return {"exists": True, "isdir": False}
    return {"exists": True, "isdir": True, "entries": sorted(os.listdir(real))}


class Lookup:
    """Case-insensitive name matching for one call of V(stat): each directory listed at most once."""

    def __init__(self):
        self._listings = {}

    def entries(self, directory):
        if directory not in self._listings:
            try:
                self._listings[directory] = os.listdir(directory)
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                    raise
                self._listings[directory] = []
        return self._listings[directory]

    def match(self, directory, name, path):
        """The entry of ``directory`` that is ``name`` (as written first, then by case), or None."""
        if os.path.lexists(os.path.join(directory, name)):
            return name
        matches = sorted(entry for entry in self.entries(directory) if entry.casefold() == name.casefold())
        if len(matches) > 1:
            raise Refused(path, "ambiguous in the image: %s matches %s" % (os.path.join(directory, name), matches))
        return matches[0] if matches else None

    def drive(self, root, path):
        """The drive folder ``root``, or the folder of its directory that matches it by case; None when absent."""
        if os.path.isdir(os.path.realpath(root)):
            return root
        parent, name = os.path.split(root.rstrip("/"))
        found = self.match(os.path.realpath(parent or "/"), name, path) if os.path.isdir(parent or "/") else None
        if found is None or not os.path.isdir(os.path.realpath(os.path.join(parent, found))):
            return None
        return os.path.join(parent, found)


def stat_one(path, root, lookup):
    """Whether ``path`` exists (components matched by case), where, and whether it is a directory."""
    answer = {"path": path, "exists": False}
    try:
        drive = lookup.drive(root, path)
        if drive is None:
            answer.update(_absent_drive(root))
            return answer
        real, shown = _walk(path, root, drive, lookup.match)
        st = None if real is None else _lstat(real)
    except Refused as exc:
        answer["reason"] = exc.reason
        return answer
    except OSError as exc:  # a directory that cannot be listed: this path is unknown, not absent
        answer["reason"] = "cannot be read: " + _reason(exc)
        return answer
    if st is not None:
        answer.update(exists=True, isdir=stat.S_ISDIR(st.st_mode), found=shown)
    return answer


def stat_paths(entries):
    lookup = Lookup()
    return {"stats": [stat_one(entry["path"], entry["root"], lookup) for entry in entries]}


def sha1_of(real, shown):
    """(sha1 hex, lstat) of the file now, or (None, None) when absent."""
    st = _regular(real, shown)
    if st is None:
        return None, None
    digest = hashlib.sha1()
    fd = _open_regular(real, shown, st)
    try:
        for chunk in iter(lambda: os.read(fd, _CHUNK), b""):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest(), st


class Swap:
    """One file of a swap: where it really is, its temporary file, and what was found."""

    def __init__(self, spec):
        self.path, self.root, self.src = spec["path"], spec["root"], spec["src"]
        self.checksum = spec["checksum"].lower()
        self.expected = spec["expected"].lower() if spec.get("expected") else None
        self.real = resolve(self.path, self.root)
        self.temporary = None
        self.found = None  # lstat of the file when compared

    def shown(self, real):
        """``real`` (below the drive's real folder) as a path below ``root`` as given."""
        return os.path.join(self.root.rstrip("/"), os.path.relpath(real, os.path.realpath(self.root)))

    def prepare(self):
        """Write the new content to a temporary file beside the real target."""
        directory = os.path.dirname(self.real)
        if not os.path.isdir(directory):
            raise Refused(self.path, "cannot be written: its directory %s does not exist" % self.shown(directory))
        current = _regular(self.real, self.path)
        with open(self.src, "rb") as source:
            data = source.read()
        if hashlib.sha1(data).hexdigest() != self.checksum:
            raise Refused(self.path, "the uploaded content %s does not have checksum %s; nothing written" % (self.src, self.checksum))
        try:
            handle, self.temporary = tempfile.mkstemp(prefix="." + os.path.basename(self.real) + ".", suffix=".iis-aspnet.tmp",
                                                      dir=directory)
        except OSError as exc:
            raise Refused(self.path, "cannot be written: cannot create a file in %s: %s; nothing written"
                          % (self.shown(directory), _reason(exc)))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _keep_attributes(self.temporary, current, self.path)

    def compare(self):
        """None when the target still is as read, else {path, was, now} (checksums, None for absent)."""
        now, self.found = sha1_of(self.real, self.path)
        return None if now == self.expected else {"path": self.path, "was": self.expected, "now": now}

    def commit(self, backup):
        """Back up (a hard link when possible), then rename; the file must still be the one compared."""
        if _identity(_lstat(self.real)) != _identity(self.found):
            raise Refused(self.path, "changed on the host while being replaced; nothing written to it")
        saved = _backup(self.real) if backup and self.found is not None else None
        try:
            self._replace()
        except BaseException:
            if saved:  # the file was not replaced: its backup would only be clutter
                os.unlink(saved)
            raise
        _sync_directory(os.path.dirname(self.real))
        return {"path": self.path, "written": self.shown(self.real), "backup_file": saved and self.shown(saved)}

    def _replace(self):
        try:
            created = self.found is None and _create(self.temporary, self.real)
        except FileExistsError:
            raise Refused(self.path, "was created on the host by another writer while being written; nothing written to it")
        if created:
            os.unlink(self.temporary)
        else:
            try:
                os.rename(self.temporary, self.real)
            except OSError as exc:
                raise Refused(self.path, "cannot be written: the rename into place failed: %s" % _reason(exc))
        self.temporary = None

    def discard(self):
        if self.temporary is not None:
            try:
                os.unlink(self.temporary)
            except OSError:
                pass
            self.temporary = None


def _create(temporary, real):
    """Give a new file its name with a hard link, which fails (FileExistsError) if another writer
    made it meanwhile; False when the file system has no hard links (the caller renames instead)."""
    try:
        os.link(temporary, real)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno in _NO_LINKS:
            return False
        raise
    return True


def _identity(st):
    return None if st is None else (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _keep_attributes(temporary, current, shown):
    """The new file gets the old one's mode and owner (a new file: 0666 less the umask)."""
    if current is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        return
    os.chmod(temporary, stat.S_IMODE(current.st_mode))
    try:
        os.chown(temporary, current.st_uid, current.st_gid)
    except OSError as exc:
        if exc.errno != errno.EPERM:  # not allowed to give it away: it stays ours, as ansible.builtin.copy does
            raise Refused(shown, "cannot give the new file the owner of the old one (uid %d, gid %d): %s; nothing written"
                          % (current.st_uid, current.st_gid, _reason(exc)))


def _backup(real):
    """Keep the file as ``<file>.<pid>.<yyyyMMdd-HHmmss>.bak`` (no ``:``, valid on NTFS)."""
    stem = "%s.%d.%s" % (real, os.getpid(), time.strftime("%Y%m%d-%H%M%S"))
    for count in range(100):
        name = stem + (".bak" if count == 0 else "-%d.bak" % count)
        try:
            os.link(real, name)
            return name
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            return _copy_backup(real, name)  # no hard link here: a copy
    raise OSError(errno.EEXIST, "too many backups named %s*.bak" % stem)


def _copy_backup(real, name):
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target, open(real, "rb") as source:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            target.write(chunk)
    os.chmod(name, stat.S_IMODE(os.stat(real).st_mode))
    return name


def _sync_directory(directory):
    """Make the rename durable (best effort: some file systems cannot sync a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Changed(Exception):
    """Targets that no longer hold what the caller read."""

    def __init__(self, changed):
        super().__init__("changed on the host since it was read")
        self.changed = changed


def _step(item, action, *args):
    """``action`` on one file, an OSError turned into a refusal naming that file."""
    try:
        return action(*args)
    except OSError as exc:
        raise Refused(item.path, "cannot be written: %s%s" % (_reason(exc), " (%s)" % exc.filename if exc.filename else ""))


def swap(specs, backup, check_mode):
    """Compare every file, then replace each: nothing is renamed unless all are as read."""
    files = [Swap(spec) for spec in specs]
    written = []
    try:
        if not check_mode:
            for item in files:
                _step(item, item.prepare)
        changed = [found for found in (_step(item, item.compare) for item in files) if found is not None]
        if changed:
            raise Changed(changed)
        for item in [] if check_mode else files:
            written.append(_step(item, item.commit, backup))
        return {"changed": bool(files), "files": written}
    except (Refused, Changed) as exc:
        exc.written = written
        raise
    finally:
        for item in files:
            item.discard()


def _describe(checksum):
    return "absent" if checksum is None else "sha1 " + checksum


def _failure(exc, path):
    """The failed result for an exception of :func:`run`."""
    if isinstance(exc, Changed):
        texts = ["%s: changed on the host since it was read (was %s, now %s)" % (
            found["path"], _describe(found["was"]), _describe(found["now"])) for found in exc.changed]
        return {"failed": True, "msg": "; ".join(texts) + "; nothing written", "changed_files": exc.changed, "files": []}
    if isinstance(exc, Refused):
        path, reason = exc.path, exc.reason
    else:
        reason = "cannot be read: " + _reason(exc)
    return {"failed": True, "msg": "%s: %s" % (path, reason), "reason": reason, "failed_path": path,
            "files": getattr(exc, "written", [])}


def run(params, check_mode):
    """The module's result for ``params``; a failure is a result with ``failed`` and ``msg``."""
    try:
        if params["op"] == "read":
            return read(params["path"], params["root"], params["max_bytes"])
        if params["op"] == "list":
            return listing(params["path"], params["root"])
        if params["op"] == "stat":
            return stat_paths(params["paths"])
        return swap(params["files"], params["backup"], check_mode)
    except (Refused, Changed, OSError) as exc:
        return _failure(exc, params.get("path") or "")


ARGUMENT_SPEC = {
    "op": {"type": "str", "required": True, "choices": ["read", "list", "stat", "swap"]},
    "path": {"type": "str"},
    "root": {"type": "str"},
    "paths": {"type": "list", "elements": "dict", "options": {
        "path": {"type": "str", "required": True},
        "root": {"type": "str", "required": True},
    }},
    "max_bytes": {"type": "int", "default": 64 * 1024 * 1024},
    "files": {"type": "list", "elements": "dict", "options": {
        "path": {"type": "str", "required": True},
        "root": {"type": "str", "required": True},
        "src": {"type": "str", "required": True},
        "checksum": {"type": "str", "required": True},
        "expected": {"type": "str"},
    }},
    "backup": {"type": "bool", "default": False},
}
REQUIRED_IF = [("op", "read", ("path", "root")), ("op", "list", ("path", "root")), ("op", "stat", ("paths",)),
               ("op", "swap", ("files",))]


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_if=REQUIRED_IF, supports_check_mode=True)
    result = run(module.params, module.check_mode)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
