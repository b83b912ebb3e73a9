"""The pdfium functions the PDF reader calls once per text rectangle, page object or table cell, declared again
with plain pointer arguments and results (handles as addresses, outputs written into one reused array), so
that each call converts less on its way through ctypes than pypdfium2.raw's typed declarations do.

The functions are pypdfium2.raw's own, taken by address: the same library, the same results."""
from __future__ import annotations

import ctypes
import threading

import pypdfium2.raw as raw

_VP, _INT = ctypes.c_void_p, ctypes.c_int
DOUBLE, FLOAT = ctypes.c_double, ctypes.c_float


def _declare(function, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, _VP).value)


count_rects = _declare(raw.FPDFText_CountRects, _INT, _VP, _INT, _INT)
get_rect = _declare(raw.FPDFText_GetRect, _INT, _VP, _INT, _VP, _VP, _VP, _VP)
count_chars = _declare(raw.FPDFText_CountChars, _INT, _VP)
bounded_text = _declare(raw.FPDFText_GetBoundedText, _INT, _VP, DOUBLE, DOUBLE, DOUBLE, DOUBLE, _VP, _INT)
count_objects = _declare(raw.FPDFPage_CountObjects, _INT, _VP)
get_object = _declare(raw.FPDFPage_GetObject, _VP, _VP, _INT)
form_count_objects = _declare(raw.FPDFFormObj_CountObjects, _INT, _VP)
form_get_object = _declare(raw.FPDFFormObj_GetObject, _VP, _VP, ctypes.c_ulong)
object_type = _declare(raw.FPDFPageObj_GetType, _INT, _VP)
object_bounds = _declare(raw.FPDFPageObj_GetBounds, _INT, _VP, _VP, _VP, _VP, _VP)


def address(handle) -> int:
    """The address behind a pypdfium2 raw handle (page.raw, textpage.raw)."""
    return ctypes.cast(handle, _VP).value or 0


class Slots:
    """An array of C numbers (double or float) written by pdfium through pointers to groups of four: slot k's
    four addresses, and the values read back in one slice."""

    def __init__(self, kind=DOUBLE, size: int = 256):
        self.kind = kind
        self._allocate(size)

    def _allocate(self, size: int) -> None:
        self.array = (self.kind * (4 * size))()
        base, step = ctypes.addressof(self.array), ctypes.sizeof(self.kind)
        self.refs = [tuple(base + step * (4 * k + j) for j in range(4)) for k in range(size)]

    def reserve(self, size: int) -> None:
        """Room for at least size slots; earlier values are not kept."""
        if size > len(self.refs):
            self._allocate(max(size, 2 * len(self.refs)))

    def values(self, n: int) -> list[float]:
        """The values of the first n slots, four each."""
        return self.array[: 4 * n]


_local = threading.local()


def thread_slots() -> Slots:
    """This thread's array of double slots for the text rectangles of a line."""
    slots = getattr(_local, "slots", None)
    if slots is None:
        slots = _local.slots = Slots()
    return slots
