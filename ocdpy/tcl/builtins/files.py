"""`file` (paths, queries, mkdir/delete: config scripts locate each other with `file dirname [info script]`) and `pwd`.

Whatever looks at or changes the host's files refuses to run for network clients (`interp.safe`).
"""
from __future__ import annotations

import os
import posixpath

from ..errors import TclError
from ..values import to_str
from ._args import check_args, subcommand_dispatch
from .io import host_path


def _path(argv) -> str:
    check_args(argv, 2, 2, "name")
    return to_str(argv[2])


def file_dirname(interp, argv):
    p = _path(argv)
    stripped = p.rstrip("/")
    if not stripped:
        return "/" if p else "."
    head = posixpath.dirname(stripped)
    if not head:
        return "."
    return head.rstrip("/") or "/"


def file_tail(interp, argv):
    p = _path(argv).rstrip("/")
    return posixpath.basename(p)


def file_extension(interp, argv):
    tail = posixpath.basename(_path(argv))
    dot = tail.rfind(".")
    return tail[dot:] if dot >= 0 else ""


def file_rootname(interp, argv):
    p = _path(argv)
    ext = file_extension(interp, argv)
    return p[:len(p) - len(ext)] if ext else p


def file_join(interp, argv):
    check_args(argv, 2, None, "name ?name ...?")
    return posixpath.join(*[to_str(a) for a in argv[2:]])


def file_split(interp, argv):
    p = _path(argv)
    parts = [x for x in p.split("/") if x]
    return (["/"] if p.startswith("/") else []) + parts


def file_normalize(interp, argv):
    p = _path(argv)
    return posixpath.normpath(posixpath.join(os.getcwd(), p))


def _query(test):
    def sub(interp, argv):
        if interp.safe:
            raise TclError("file queries are not allowed from a network client")
        return 1 if test(host_path(_path(argv))) else 0
    return sub


def file_size(interp, argv):
    name = _path(argv)
    try:
        return os.stat(host_path(name)).st_size
    except OSError as e:
        raise TclError(f'could not read "{name}": {e.strerror}') from None


def file_mtime(interp, argv):
    name = _path(argv)
    try:
        return int(os.stat(host_path(name)).st_mtime)
    except OSError as e:
        raise TclError(f'could not read "{name}": {e.strerror}') from None


def file_type(interp, argv):
    name = _path(argv)
    path = host_path(name)
    if os.path.islink(path):
        return "link"
    if os.path.isdir(path):
        return "directory"
    if os.path.isfile(path):
        return "file"
    if os.path.exists(path):
        return "characterSpecial"
    raise TclError(f'could not read "{name}": No such file or directory')


def _host_change(interp, what: str) -> None:
    if interp.safe:
        raise TclError(f"file {what} is not allowed from a network client")


def file_mkdir(interp, argv):
    _host_change(interp, "mkdir")
    for name in argv[2:]:
        try:
            os.makedirs(host_path(to_str(name)), exist_ok=True)
        except OSError as e:
            raise TclError(f'can\'t create directory "{to_str(name)}": {e.strerror}') from None
    return ""


def file_delete(interp, argv):
    _host_change(interp, "delete")
    names = [to_str(a) for a in argv[2:]]
    force = bool(names) and names[0] == "-force"
    for name in names[1:] if force or (names and names[0] == "--") else names:
        path = host_path(name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                if force:
                    import shutil
                    shutil.rmtree(path)
                else:
                    os.rmdir(path)
            elif os.path.lexists(path):
                os.remove(path)
        except OSError as e:
            raise TclError(f'error deleting "{name}": {e.strerror}') from None
    return ""


FILE = {"dirname": file_dirname, "tail": file_tail, "extension": file_extension, "rootname": file_rootname,
        "join": file_join, "split": file_split, "normalize": file_normalize,
        "exists": _query(os.path.exists), "isfile": _query(os.path.isfile),
        "isdirectory": _query(os.path.isdir), "readable": _query(lambda p: os.access(p, os.R_OK)),
        "writable": _query(lambda p: os.access(p, os.W_OK)), "executable": _query(lambda p: os.access(p, os.X_OK)),
        "size": file_size, "mtime": file_mtime, "type": file_type,
        "mkdir": file_mkdir, "delete": file_delete}


def cmd_pwd(interp, argv):
    check_args(argv, 0, 0, "")
    return os.getcwd()


def register(interp) -> None:
    interp.register("file", subcommand_dispatch("file", FILE, usage="subcommand ?args ...?"))
    interp.register("pwd", cmd_pwd)
