"""Reading limits with safe defaults; every reader and the batch runner take them from here."""
from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one document may cost before it is refused (too_large) or stopped (timeout).

    max_compression_ratio applies to archive members larger than ratio_floor_bytes: small members
    may compress very well without harm; it applies to an archive's members taken together too, once they
    decompress to more than ratio_floor_bytes in all, and max_archive_bytes caps what one archive may decompress
    to in all."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_member_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100
    ratio_floor_bytes: int = 1024 * 1024
    max_zip_members: int = 10000
    max_archive_bytes: int = 2 * 1024 * 1024 * 1024
    max_xml_depth: int = 256
    timeout_seconds: float = 120.0


DEFAULT = Limits()


class Deadline:
    """The moment reading must stop; readers call check() between pages, blocks and other units of work."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def check(self) -> None:
        if time.monotonic() >= self.end:
            from extractor.model import ReadError
            raise ReadError("timeout", f"读取超过 {self.seconds:g} 秒被中止，请拆分文件或提高时间上限 / reading "
                                       f"stopped after {self.seconds:g} s: split the file or raise the time limit")
