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

NO_SOFFICE = ("旧版 Word/WPS 文件（.doc/.wps/.rtf）需要 LibreOffice 才能读取：请安装 LibreOffice，或在 Word/WPS 中另存为 DOCX / "
              "legacy .doc/.wps/.rtf needs LibreOffice: install it, or save the file as DOCX from Word/WPS")


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, deadline: Deadline) -> bytes:
    """The DOCX LibreOffice makes of a legacy file, or ReadError (unsupported_format, timeout, corrupt)."""
    exe = soffice()
    if exe is None:
        raise ReadError("unsupported_format", NO_SOFFICE)
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
