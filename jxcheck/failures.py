"""Coded errors of a whole run (not of one document): each is a code and one line in Chinese and English, printed
as `code: 中文 / English`, and the command exits 2.

RunError is raised by the application layer; describe() turns any OSError, StoreError or database error a run
meets into one such line (disk full, no permission, damaged store), so no traceback reaches the terminal.
"""
from __future__ import annotations

import errno
import os
import re

DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
DENIED_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
DISK_FULL_TEXT = ("No space left on device", "Disk quota exceeded")
DENIED_TEXT = ("Permission denied", "Read-only file system")


class RunError(Exception):
    """A run that cannot go on: code and one bilingual line (`中文 / English`)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def disk_full(what: str) -> RunError:
    return RunError("disk_full", f"磁盘空间不足，写入{what}时中断；已完成的文档已保存在数据库中，腾出空间后再次运行会接着完成 / "
                                 f"no space left on the device while writing the {what_en(what)}: free some space "
                                 "and run again, finished documents are kept in the store")


def what_en(what: str) -> str:
    return {"数据库": "store", "输出文件": "outputs", "临时文件": "temporary files"}.get(what, "files")


def denied(path: str) -> RunError:
    return RunError("unwritable", f"无法写入 {printable(path)}（没有写权限或只读），请换一个可写的位置 / cannot write "
                                  f"{printable(path)}: permission denied or read-only, choose a writable place")


def describe(exc: BaseException, what: str = "输出文件") -> RunError:
    """The coded error for an exception that ended a run; what names what was being written (数据库 the store,
    输出文件 the outputs)."""
    if isinstance(exc, RunError):
        return exc
    code = getattr(exc, "code", None)
    if isinstance(code, str) and getattr(exc, "message", None):
        return RunError(code, exc.message)
    text = str(exc)
    number = getattr(exc, "errno", None)
    if number in DISK_FULL_ERRNOS or any(t in text for t in DISK_FULL_TEXT):
        return disk_full(what)
    if number in DENIED_ERRNOS:
        return denied(getattr(exc, "filename", None) or "")
    if isinstance(exc, OSError):
        where = printable(exc.filename) if getattr(exc, "filename", None) else ""
        return RunError("io_error", f"读写文件出错 {where}（{exc.strerror or exc}） / file error {where}: "
                                    f"{exc.strerror or exc}")
    return RunError("failed", f"无法完成 / could not finish: {printable(text)}")


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    ch = match.group()
    return {"\r": "\\r", "\n": "\\n", "\t": "\\t"}.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100
                                                               else f"\\u{ord(ch):04x}")


def _decode_part(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def printable(path) -> str:
    """A file name safe to print and to store: bytes that are not UTF-8 (an old archive's GBK name, kept by the
    file system as surrogate escapes) are read as GB18030 where they are valid, else shown as \\xNN; control
    characters (CR, ESC, bidirectional overrides) are shown escaped, so a name cannot rewrite the terminal."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    path = str(path)
    if any("\ud800" <= ch <= "\udfff" for ch in path):
        try:
            raw = path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = path.encode("utf-8", "backslashreplace")
        path = "/".join(_decode_part(part) for part in raw.split(b"/"))
    return CONTROL.sub(_escape, path) if CONTROL.search(path) else path
