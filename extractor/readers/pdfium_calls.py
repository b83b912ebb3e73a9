"""The pdfium functions the PDF reader calls once per text rectangle, page object or table cell, declared again
so that each call converts less on its way through ctypes than pypdfium2.raw's typed declarations do: most
without argument types at all, given handles and pointers as ctypes objects (handles as pdfium returned them,
pointers into one reused array made by byref) and C ints as ints, which ctypes passes without converting them;
the text-in-a-rectangle call with plain pointer arguments (handles as addresses). Each is called holding the GIL
(ctypes.PYFUNCTYPE): the calls are short, and releasing the GIL and taking it back around each one cost more than
the call itself; pdfium may not be used from two threads at once in any case.

The functions are pypdfium2.raw's own, taken by address: the same library, the same results."""
from __future__ import annotations

import ctypes
import threading

import pypdfium2.raw as raw

_VP, _INT = ctypes.c_void_p, ctypes.c_int
DOUBLE, FLOAT = ctypes.c_double, ctypes.c_float


class Handle(ctypes.c_void_p):
    """A pdfium handle (an address) as a ctypes object, which a function without argument types is passed as the
    pointer it is (an int would be passed as a C int)."""


def _declare(function, restype, *argtypes):
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(function, _VP).value)


def _untyped(function, restype=_INT):
    """The function declared with its result type only; its arguments must be ctypes objects or ints that are C
    ints."""
    return ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, _VP).value)


count_chars = _declare(raw.FPDFText_CountChars, _INT, _VP)
bounded_text = _declare(raw.FPDFText_GetBoundedText, _INT, _VP, DOUBLE, DOUBLE, DOUBLE, DOUBLE, _VP, _INT)
count_rects = _untyped(raw.FPDFText_CountRects)
get_rect = _untyped(raw.FPDFText_GetRect)
count_objects = _untyped(raw.FPDFPage_CountObjects)
form_count_objects = _untyped(raw.FPDFFormObj_CountObjects)
object_bounds = _untyped(raw.FPDFPageObj_GetBounds)
object_address = _untyped(raw.FPDFPage_GetObject, _VP)
form_object_address = _declare(raw.FPDFFormObj_GetObject, _VP, _VP, ctypes.c_ulong)
type_at = _declare(raw.FPDFPageObj_GetType, _INT, _VP)
"""The page object calls, mapped over all of a page's objects at once: objects as addresses (ints, None for none),
their types asked through a declared pointer argument, a form's index passed as the unsigned long it is."""


def address(handle) -> int:
    """The address behind a pypdfium2 raw handle (page.raw, textpage.raw)."""
    return ctypes.cast(handle, _VP).value or 0


class Slots:
    """An array of C numbers (double or float) written by pdfium through pointers to groups of four: slot k's
    four addresses (refs) and pointers (for the untyped functions), and the values read back in one slice."""

    def __init__(self, kind=DOUBLE, size: int = 256):
        self.kind = kind
        self._allocate(size)

    def _allocate(self, size: int) -> None:
        self.array = (self.kind * (4 * size))()
        base, step = ctypes.addressof(self.array), ctypes.sizeof(self.kind)
        self.refs = [tuple(base + step * (4 * k + j) for j in range(4)) for k in range(size)]
        self.pointers = [tuple(ctypes.byref(self.array, step * (4 * k + j)) for j in range(4)) for k in range(size)]

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
