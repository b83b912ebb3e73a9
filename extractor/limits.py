"""Reading limits with safe defaults; every reader and the batch runner take them from here."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one document may cost before it is refused (too_large) or stopped (timeout)."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_member_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 100
    max_xml_depth: int = 256
    timeout_seconds: float = 120.0


DEFAULT = Limits()
