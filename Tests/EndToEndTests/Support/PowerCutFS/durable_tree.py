"""The bookkeeping of power_cut_fs.py: the live tree of a folder (by file id),
and what of it a power cut would leave (the durable tree and the durable
content of changed files); `cut()` rewrites the folder to the durable state.
"""

import errno
import json
import os
import shutil
import stat


class DurableTree:
    """Files and folders by id (their inode number for FUSE), live and durable."""

    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.sidecar = self.backing + ".inodes.json"
        self.children = {}   # folder id -> {name: id}, live
        self.parent = {}     # id -> (folder id, name), live
        self.kind = {}       # id -> "d" | "f" | "l" (directory, file, other: symlink, fifo, …)
        self.durable = {}    # folder id -> {name: id}, as a power cut would leave it
        self.saved = {}      # id -> (bytes, mode, mtime_ns): durable content of a file changed since its last sync
        self.pending = []    # namespace changes not durable yet: (folders, [("set", folder, name, id) | ("del", folder, name)])
        self.next_id = 2
        known = {}
        if os.path.exists(self.sidecar):
            with open(self.sidecar) as f:
                known = json.load(f)
        self.root = known.get("", 1)
        self.kind[self.root] = "d"
        self.next_id = max([self.root] + list(known.values())) + 1
        self._scan("", self.root, known)
        self.durable = {d: dict(c) for d, c in self.children.items()}

    def _scan(self, relative, folder, known):
        self.children[folder] = {}
        for name in sorted(os.listdir(self.backing + "/" + relative if relative else self.backing)):
            path = relative + "/" + name if relative else name
            ident = known.get(path) or self._new_id()
            st = os.lstat(self.backing + "/" + path)
            self._attach(folder, name, ident, "d" if stat.S_ISDIR(st.st_mode) else "f" if stat.S_ISREG(st.st_mode) else "l")
            if self.kind[ident] == "d":
                self._scan(path, ident, known)

    def _new_id(self):
        self.next_id += 1
        return self.next_id - 1

    def _attach(self, folder, name, ident, kind):
        self.children[folder][name] = ident
        self.parent[ident] = (folder, name)
        self.kind[ident] = kind

    # Paths

    def _real(self, path):
        return self.backing + path if path != "/" else self.backing

    def _lookup(self, path):
        ident = self.root
        for part in path.strip("/").split("/"):
            if part:
                ident = self.children.get(ident, {}).get(part)
                if ident is None:
                    raise OSError(errno.ENOENT, os.strerror(errno.ENOENT))
        return ident

    def _split(self, path):
        head, _, name = path.rstrip("/").rpartition("/")
        return self._lookup(head or "/"), name

    def _live_path(self, ident):
        parts = []
        while ident != self.root:
            ident, name = self.parent[ident]
            parts.append(name)
        return "/" + "/".join(reversed(parts))

    # Durability

    def _save(self, ident):
        """Keeps the durable content of a file before its first change since its last sync."""
        if self.kind.get(ident) != "f" or ident in self.saved:
            return
        real = self._real(self._live_path(ident))
        with open(real, "rb") as f:
            data = f.read()
        st = os.lstat(real)
        self.saved[ident] = (data, st.st_mode, st.st_mtime_ns)

    def _change(self, folders, steps):
        self.pending.append((set(folders), steps))

    def _sync_folder(self, folder):
        # The changes touching this folder, and (transitively) the earlier ones
        # touching the folders those change, are made durable in their order.
        touched, chosen = {folder}, []
        last = max((k for k, (fs, _) in enumerate(self.pending) if folder in fs), default=-1)
        for k in range(last, -1, -1):
            folders, _ = self.pending[k]
            if folders & touched:
                chosen.append(k)
                touched |= folders
        for k in reversed(chosen):
            for step in self.pending[k][1]:
                entries = self.durable.setdefault(step[1], {})
                if step[0] == "set":
                    entries[step[2]] = step[3]
                else:
                    entries.pop(step[2], None)
        chosen = set(chosen)
        self.pending = [p for k, p in enumerate(self.pending) if k not in chosen]

    def cut(self):
        """Rewrites the backing folder to the durable state (the power cut)."""
        staging = os.path.join(os.path.dirname(self.backing), "." + os.path.basename(self.backing) + ".durable")
        shutil.rmtree(staging, ignore_errors=True)
        os.mkdir(staging)
        inodes = {"": self.root}

        def build(folder, relative):
            for name, ident in sorted(self.durable.get(folder, {}).items()):
                path = relative + "/" + name if relative else name
                target = staging + "/" + path
                live = self._real(self._live_path(ident)) if ident in self.parent else None
                kind = self.kind[ident]
                inodes[path] = ident
                if kind == "d":
                    os.mkdir(target)
                    build(ident, path)
                elif kind == "f":
                    data, mode, mtime = self.saved.get(ident) or (None, None, None)
                    if data is None:
                        with open(live, "rb") as f:
                            data = f.read()
                        st = os.lstat(live)
                        mode, mtime = st.st_mode, st.st_mtime_ns
                    with open(target, "wb") as f:
                        f.write(data)
                    os.chmod(target, stat.S_IMODE(mode))
                    os.utime(target, ns=(mtime, mtime))
                elif live is not None:
                    # Symlinks and special files are created whole: kept as they are.
                    st = os.lstat(live)
                    if stat.S_ISLNK(st.st_mode):
                        os.symlink(os.readlink(live), target)
                    else:
                        os.mknod(target, st.st_mode, st.st_rdev)

        build(self.root, "")
        lost = staging[:-len(".durable")] + ".lost"
        os.rename(self.backing, lost)
        os.rename(staging, self.backing)
        shutil.rmtree(lost)
        with open(self.sidecar + ".tmp", "w") as f:
            json.dump(inodes, f)
        os.rename(self.sidecar + ".tmp", self.sidecar)
