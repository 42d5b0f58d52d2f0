#!/usr/bin/python3
"""A USB stick that lies, for the read-back tests: a FUSE file system over a backing directory that stores
every file of a page or more with its first byte flipped, while the page cache (kernel_cache) keeps the bytes it was given.
A reader served by the cache sees a good file; a reader that asks the medium (O_DIRECT), or anyone after a
remount, sees the stored, wrong bytes.
With --fail-when FLAG it is also a stick pulled without unmounting: once the file FLAG exists, every read of a
file's data fails with EIO, while names and attributes still answer (the kernel remembers them for a pulled stick).
With --hang-when FLAG it is also a stick that stops answering: while the file FLAG exists, a read of a file whose
name ends with one of the comma-separated endings FLAG holds (any file when it holds none) never returns, and since
the daemon answers one request at a time, nothing else on the stick answers either. FLAG.hung is created when such
a read starts waiting. Removing FLAG lets it answer; unmounting and killing the daemon ends it.
Usage: lying-fs.py BACKING MOUNTPOINT [SPARED] [--fail-when FLAG] [--hang-when FLAG] (stays in the foreground).
Debian: python3-fusepy."""
import argparse
import errno
import os
import time

from fusepy import FUSE, FuseOSError, Operations


class LyingFs(Operations):
    def __init__(self, root, spared=(), fail_when=None, hang_when=None):
        self.root = root
        self.spared = tuple(spared)
        self.fail_when = fail_when
        self.hang_when = hang_when

    def _hangs(self, path):
        if not self.hang_when:
            return False
        try:
            with open(self.hang_when) as f:
                endings = tuple(e for e in f.read().strip().split(',') if e)
        except FileNotFoundError:
            return False
        return not endings or path.endswith(endings)

    def _p(self, path):
        return os.path.join(self.root, path.lstrip('/'))

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._p(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        keys = ('st_mode', 'st_nlink', 'st_uid', 'st_gid', 'st_size', 'st_atime', 'st_mtime', 'st_ctime')
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._p(path))

    def statfs(self, path):
        st = os.statvfs(self._p(path))
        keys = ('f_bsize', 'f_frsize', 'f_blocks', 'f_bfree', 'f_bavail', 'f_files', 'f_ffree', 'f_namemax')
        return {k: getattr(st, k) for k in keys}

    def mkdir(self, path, mode):
        os.mkdir(self._p(path), mode)

    def rmdir(self, path):
        os.rmdir(self._p(path))

    def unlink(self, path):
        os.unlink(self._p(path))

    def rename(self, old, new):
        os.rename(self._p(old), self._p(new))

    def chmod(self, path, mode):
        os.chmod(self._p(path), mode)

    def utimens(self, path, times=None):
        os.utime(self._p(path), times)

    def truncate(self, path, length, fh=None):
        os.truncate(self._p(path), length)

    def create(self, path, mode, fi=None):
        return os.open(self._p(path), os.O_RDWR | os.O_CREAT | os.O_TRUNC, mode)

    def open(self, path, flags):
        # O_DIRECT and the access mode are the kernel's business; the backing file is always opened read-write.
        return os.open(self._p(path), os.O_RDWR if flags & os.O_ACCMODE else os.O_RDONLY)

    def read(self, path, size, offset, fh):
        if self.fail_when and os.path.exists(self.fail_when):
            raise FuseOSError(errno.EIO)
        if self._hangs(path):
            open(self.hang_when + '.hung', 'a').close()
            while os.path.exists(self.hang_when):
                time.sleep(0.05)
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        stored = bytearray(data)
        # The lie: the first byte of every file of a page or more. A shorter file is a partial page, which the
        # kernel does not keep as up to date and reads from us again: the cache hides only whole pages.
        if offset == 0 and len(stored) >= 4096 and not path.endswith(self.spared):
            stored[0] ^= 0xFF
        return os.pwrite(fh, bytes(stored), offset)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        os.fsync(fh)
        return 0

    def fsyncdir(self, path, datasync, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)
        return 0


if __name__ == '__main__':
    parser = argparse.ArgumentParser(prog='lying-fs.py')
    parser.add_argument('backing')
    parser.add_argument('mountpoint')
    parser.add_argument('spared', nargs='?', default='', help='comma-separated name endings stored truthfully')
    parser.add_argument('--fail-when', help='once this file exists, reads of file data fail with EIO')
    parser.add_argument('--hang-when', help='while this file exists, reads of the files it names never return')
    args = parser.parse_args()
    spared = [s for s in args.spared.split(',') if s]
    FUSE(LyingFs(args.backing, spared, args.fail_when, args.hang_when), args.mountpoint, foreground=True,
         nothreads=True, kernel_cache=True)
