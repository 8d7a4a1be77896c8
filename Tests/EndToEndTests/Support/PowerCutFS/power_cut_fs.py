#!/usr/bin/python3
"""A pass-through FUSE file system that forgets, when it is unmounted, every
change that was not made durable: the power-loss test's disk.

    power_cut_fs.py BACKING MOUNTPOINT

mounts BACKING at MOUNTPOINT (in the foreground, single-threaded) and prints
"mounted" once the mount is up. Everything in BACKING at mount time is durable.
While mounted, changes go through to BACKING at once (readers of BACKING see
the live state), and the file system remembers what a disk would have kept
after a power cut:

- a file's data (and size, mode, mtime) as of its last fsync/fdatasync; a
  file never synced is empty;
- a create, mkdir, rename, unlink, rmdir or symlink only once a directory it
  changes is fsynced (a rename across folders: either; it is one change, and
  the changes before it in the same folders come with it). A new folder holds
  only what an fsync of it made durable. This is stricter than journaling file
  systems, which commit every earlier metadata change with any fsync.

Unmounting (`umount MOUNTPOINT`) is the power cut: BACKING is rewritten to the
durable state, "cut FILES CHANGES" says how many files lost unsynced data and
how many namespace changes were dropped, and the process exits 0. Inode
numbers are kept across cuts and remounts (in BACKING.inodes.json beside it),
so a file that survives a cut is the same file (same inode, size and mtime)
after it, as on a real disk. The bookkeeping is in durable_tree.py.

Debian's fusepy (python3-fusepy, over libfuse2) runs it; names must be UTF-8.
"""

import errno
import os
import stat
import sys

import fusepy

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from durable_tree import DurableTree  # noqa: E402


class PowerCutFS(DurableTree):
    """The FUSE operations: each change is made to the backing folder at once and
    recorded in the tree, durable when synced."""

    use_ns = True

    def __init__(self, backing):
        super().__init__(backing)
        self.handles = {}  # fh -> (fd, id)

    def __call__(self, op, *args):
        if not hasattr(self, op):
            raise fusepy.FuseOSError(errno.ENOSYS)
        return getattr(self, op)(*args)

    # Attributes and folders

    def getattr(self, path, fh=None):
        if fh is not None and fh in self.handles:
            fd, ident = self.handles[fh]
            st = os.fstat(fd)
        else:
            ident = self._lookup(path)
            st = os.lstat(self._real(path))
        out = {key: getattr(st, key) for key in
               ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime_ns", "st_mtime_ns", "st_ctime_ns", "st_rdev", "st_blocks")}
        for key in ("st_atime", "st_mtime", "st_ctime"):
            out[key] = out.pop(key + "_ns")
        out["st_ino"] = ident
        return out

    def readdir(self, path, fh):
        return [".", ".."] + sorted(self.children[self._lookup(path)])

    def readlink(self, path):
        return os.readlink(self._real(path))

    def statfs(self, path):
        st = os.statvfs(self.backing)
        return {key: getattr(st, key) for key in
                ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def access(self, path, amode):
        self._lookup(path)
        return 0

    def init(self, path):
        print("mounted", flush=True)

    def opendir(self, path):
        self._lookup(path)
        return 0

    def fsyncdir(self, path, datasync, fh):
        self._sync_folder(self._lookup(path))
        return 0

    # Namespace changes: live at once, durable when a folder they touch is fsynced

    def _created(self, path, kind):
        folder, name = self._split(path)
        old = self.children[folder].get(name)
        if old is not None:
            self._save(old)
            self.parent.pop(old, None)
        ident = self._new_id()
        self._attach(folder, name, ident, kind)
        if kind == "d":
            self.children[ident] = {}
            self.durable[ident] = {}
        self._change([folder], [("set", folder, name, ident)])
        return ident

    def mkdir(self, path, mode):
        os.mkdir(self._real(path), mode)
        self._created(path, "d")

    def mknod(self, path, mode, dev):
        os.mknod(self._real(path), mode, dev)
        self._created(path, "f" if stat.S_ISREG(mode) else "l")

    def symlink(self, target, source):
        os.symlink(source, self._real(target))
        self._created(target, "l")

    def create(self, path, mode, fi=None):
        fd = os.open(self._real(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        folder, name = self._split(path)
        old = self.children[folder].get(name)
        if old is not None and self.kind.get(old) == "f":
            # O_CREAT on an existing file: the same file, now empty.
            self._save(old)
            ident = old
        else:
            ident = self._created(path, "f")
            self.saved[ident] = (b"", mode, 0)
        os.close(fd)
        # fusepy does not pass create's flags; writes land at the offsets the kernel gives (O_APPEND included).
        return self._open_fd(path, os.O_RDWR, ident)

    def unlink(self, path):
        folder, name = self._split(path)
        ident = self.children[folder][name]
        self._save(ident)
        os.unlink(self._real(path))
        del self.children[folder][name]
        self._forget(ident)
        self._change([folder], [("del", folder, name)])

    def rmdir(self, path):
        folder, name = self._split(path)
        ident = self.children[folder][name]
        os.rmdir(self._real(path))
        del self.children[folder][name]
        self.parent.pop(ident, None)
        self._change([folder], [("del", folder, name)])

    def _forget(self, ident):
        # Open handles keep working on the file (it is read through their fd).
        self.parent.pop(ident, None)

    def rename(self, old, new):
        source, name = self._split(old)
        target, new_name = self._split(new)
        ident = self.children[source][name]
        replaced = self.children[target].get(new_name)
        if replaced is not None and replaced != ident:
            self._save(replaced)
        os.rename(self._real(old), self._real(new))
        if (source, name) == (target, new_name):
            return
        del self.children[source][name]
        if replaced is not None and replaced != ident:
            self._forget(replaced)
        self._attach(target, new_name, ident, self.kind[ident])
        self._change([source, target], [("del", source, name), ("set", target, new_name, ident)])

    def link(self, target, source):
        raise fusepy.FuseOSError(errno.EPERM)

    # Content changes: live at once, durable at the file's fsync

    def _open_fd(self, path, flags, ident):
        fd = os.open(self._real(path), flags & ~(os.O_CREAT | os.O_EXCL | os.O_TRUNC))
        fh = fd
        self.handles[fh] = (fd, ident)
        return fh

    def open(self, path, flags):
        ident = self._lookup(path)
        if flags & os.O_TRUNC:
            self._save(ident)
            os.truncate(self._real(path), 0)
        return self._open_fd(path, flags, ident)

    def read(self, path, size, offset, fh):
        return os.pread(self.handles[fh][0], size, offset)

    def write(self, path, data, offset, fh):
        fd, ident = self.handles[fh]
        self._save_open(ident)
        return os.pwrite(fd, data, offset)

    def _save_open(self, ident):
        # A file unlinked while open had its durable content kept at the unlink.
        if ident in self.parent:
            self._save(ident)

    def truncate(self, path, length, fh=None):
        if fh is not None and fh in self.handles:
            fd, ident = self.handles[fh]
            self._save_open(ident)
            os.ftruncate(fd, length)
        else:
            ident = self._lookup(path)
            self._save(ident)
            os.truncate(self._real(path), length)

    def chmod(self, path, mode):
        ident = self._lookup(path)
        self._save(ident)
        os.chmod(self._real(path), mode)

    def chown(self, path, uid, gid):
        ident = self._lookup(path)
        self._save(ident)
        os.lchown(self._real(path), uid, gid)

    def utimens(self, path, times=None):
        ident = self._lookup(path)
        self._save(ident)
        if times:
            os.utime(self._real(path), ns=times, follow_symlinks=False)
        else:
            os.utime(self._real(path), follow_symlinks=False)

    def fsync(self, path, datasync, fh):
        fd, ident = self.handles[fh]
        if ident in self.parent:
            self.saved.pop(ident, None)
        elif self.kind.get(ident) == "f":
            # Unlinked while open (the unlink not durable yet): keep what the fd holds now.
            st = os.fstat(fd)
            self.saved[ident] = (os.pread(fd, st.st_size, 0), st.st_mode, st.st_mtime_ns)
        return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        fd, _ = self.handles.pop(fh)
        os.close(fd)
        return 0


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: power_cut_fs.py BACKING MOUNTPOINT")
    fs = PowerCutFS(sys.argv[1])
    try:
        fusepy.FUSE(fs, sys.argv[2], foreground=True, nothreads=True, use_ino=True, hard_remove=True,
                    big_writes=True, max_write=131072, fsname="powercut", subtype="powercut")
    except RuntimeError:
        # libfuse reports a connection the kernel tore down as aborted (ECONNABORTED,
        # seen once in CI on 6.18) as an error even when the unmount was the cause.
        # Only then is it the power cut; a loop that ended while still mounted is a failure.
        if os.path.ismount(sys.argv[2]):
            raise
        print("the loop ended with an aborted connection after the unmount", file=sys.stderr, flush=True)
    reverted, dropped = len(fs.saved), len(fs.pending)
    fs.cut()
    # What the cut took: files whose unsynced data was dropped, namespace changes never made durable.
    print("cut %d %d" % (reverted, dropped), flush=True)


if __name__ == "__main__":
    main()
