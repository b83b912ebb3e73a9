"""Where batch may write: an output folder that resolves to a file system root or a system folder is refused."""
from __future__ import annotations

import os

from jxcheck.failures import RunError, printable

SYSTEM_FOLDERS = ("/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt",
                  "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/tmp",
                  "/var/lib", "/var/log", "/usr/local", "/System", "/Library", "/Applications", "/Users",
                  "/private", "/private/tmp", "/private/var")
SYSTEM_TREES = ("/proc", "/sys", "/dev", "/etc", "/boot", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr/bin",
                "/usr/lib", "/usr/sbin", "/System")


def _windows_system(real: str) -> bool:
    root = os.environ.get("SystemRoot", r"C:\Windows")
    folders = {os.path.normcase(os.path.realpath(p)) for p in (root, os.environ.get("ProgramFiles", ""),
                                                                  os.environ.get("ProgramFiles(x86)", "")) if p}
    here = os.path.normcase(real)
    return here in folders or here.startswith(os.path.normcase(os.path.realpath(root)) + os.sep)


def system_folder(path: str) -> bool:
    """The folder (symbolic links followed) is a file system root, a system folder or inside one."""
    real = os.path.realpath(path)
    if os.path.dirname(real) == real:
        return True
    if os.name == "nt":
        return _windows_system(real)
    return (real in SYSTEM_FOLDERS
            or any(real.startswith(tree + os.sep) for tree in SYSTEM_TREES))


def check_outdir(path: str) -> None:
    """Refuse an output folder that resolves to a root or system folder (RunError bad_outdir)."""
    if system_folder(path):
        shown, real = printable(path), printable(os.path.realpath(path))
        target = "" if shown == real else f"（指向 {real}）"
        target_en = "" if shown == real else f" (resolves to {real})"
        raise RunError("bad_outdir", f"输出目录 {shown}{target} 是根目录或系统目录，拒绝写入；请指定一个专用的新文件夹 / the output "
                                     f"folder {shown}{target_en} is a file system root or a system folder: give a "
                                     "folder of its own")
