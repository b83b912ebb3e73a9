"""Read legacy word-processor files (.doc, .wps, .rtf) by converting them to DOCX with LibreOffice.

Each conversion runs in its own temporary folder with a private LibreOffice profile, so parallel
conversions do not collide, and is killed with its whole process group when the deadline passes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractor.limits import DEFAULT, Deadline, Limits
from extractor.model import Document, ReadError

NO_SOFFICE = ("旧版 Word/WPS 文件（.doc/.wps/.rtf）需要 LibreOffice Writer 才能读取：请安装 LibreOffice（Debian/Ubuntu："
              "apt-get install libreoffice-writer-nogui），或在 Word/WPS 中另存为 DOCX / legacy .doc/.wps/.rtf needs "
              "LibreOffice Writer: install it (apt-get install libreoffice-writer-nogui), or save the file as DOCX")
NO_WRITER = ("已安装的 LibreOffice 缺少 Writer 组件，无法转换 .doc/.wps/.rtf：请安装（Debian/Ubuntu：apt-get install "
             "libreoffice-writer-nogui），或在 Word/WPS 中另存为 DOCX / LibreOffice is installed without its Writer "
             "part: install it (apt-get install libreoffice-writer-nogui), or save the file as DOCX")
CORE_LIBRARIES = ("libmergedlo.so", "libmergedlo.dylib", "mergedlo.dll")
WRITER_LIBRARIES = ("libswlo.so", "libswlo.dylib", "swlo.dll")


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def writer_missing(exe: str | None = None) -> bool:
    """True when the LibreOffice on PATH is a real install whose Writer part is absent (only its core, or only
    Calc, installed): its program folder has the core library but not Writer's. Unknown layouts count as present."""
    exe = exe or soffice()
    if exe is None:
        return False
    program = Path(os.path.realpath(exe)).parent
    folders = [program, program.parent / "Frameworks"]
    has = lambda names: any((folder / name).exists() for folder in folders for name in names)  # noqa: E731
    return has(CORE_LIBRARIES) and not has(WRITER_LIBRARIES)


def writer_available() -> bool:
    """LibreOffice with its Writer part is on PATH (what converting .doc/.wps/.rtf needs)."""
    return soffice() is not None and not writer_missing()


def convert_to_docx(data: bytes, suffix: str, deadline: Deadline) -> bytes:
    """The DOCX LibreOffice makes of a legacy file, or ReadError (converter_missing, timeout, corrupt)."""
    exe = soffice()
    if exe is None:
        raise ReadError("converter_missing", NO_SOFFICE)
    if writer_missing(exe):
        raise ReadError("converter_missing", NO_WRITER)
    with tempfile.TemporaryDirectory(prefix="jxcheck-doc-") as tmp:
        src = Path(tmp, "input" + suffix)
        src.write_bytes(data)
        out = Path(tmp, "out")
        cmd = [exe, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", "docx", "--outdir", str(out), str(src)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, cwd=tmp)
        try:
            proc.wait(timeout=max(1.0, deadline.remaining()))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ReadError("timeout", f"LibreOffice 转换超过 {deadline.seconds:g} 秒被中止，请在 Word/WPS 中另存为 DOCX / "
                                       f"LibreOffice conversion stopped after {deadline.seconds:g} s: "
                                       "save the file as DOCX")
        finally:
            _kill_group(proc)
        result = out / "input.docx"
        if not result.is_file():
            raise ReadError("corrupt", "LibreOffice 无法转换该文件（可能已损坏或设置了密码），请在 Word/WPS 中打开并另存为 DOCX / "
                                       "LibreOffice could not convert the file (damaged or password-protected?): "
                                       "open it in Word/WPS and save as DOCX")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    """Stop the conversion's process group (LibreOffice starts helper processes) and reap the launcher."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def read_doc(path: str, data: bytes, limits: Limits = DEFAULT, deadline: Deadline | None = None,
             suffix: str = ".doc") -> Document:
    from extractor.readers.docx import read_docx
    deadline = deadline or Deadline(limits.timeout_seconds)
    docx = convert_to_docx(data, suffix, deadline)
    doc = read_docx(path, docx, limits, deadline)
    doc.format = "doc"
    return doc
