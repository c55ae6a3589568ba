"""Prototypes kernel-doc rewrites before reading them: system calls
(``SYSCALL_DEFINEn(name, type, arg, ...)``) and tracepoints
(``TRACE_EVENT(name, TP_PROTO(args), ...)`` and the ``DEFINE_*EVENT``
forms), which document ``long sys_name(...)`` and ``trace_name(...)``."""

from __future__ import annotations


def syscall(text: str) -> str:
    """``SYSCALL_DEFINEn(name, t1, a1, t2, a2)`` read as ``long sys_name(t1 a1, t2 a2)``."""
    void = "SYSCALL_DEFINE0" in text
    start = text.find("SYSCALL_DEFINE")
    paren = text.rfind("(")
    if paren > start:
        text = text[:start] + "long sys_" + text[paren + 1:]
    at = text.find("long sys_")
    if at >= 0 and "," in text[at + len("long sys_"):]:
        comma = text.find(",")
        text = text[:comma] + "(" + text[comma + 1:]
    elif void:
        close = text.find(")")
        if close >= 0:
            text = text[:close] + "(void)" + text[close + 1:]
    if void:
        return text
    out, count = [], 0
    for char in text:
        if char == ",":
            count += 1
            if count % 2:
                char = " "
        out.append(char)
    return "".join(out)


def _between(text: str, opening: str, fields: int) -> str | None:
    """The ``fields``-th comma-ended field after ``opening`` (None if absent)."""
    pos = text.find(opening)
    if pos < 0:
        return None
    pos += len(opening)
    value = None
    for _ in range(fields):
        comma = text.find(",", pos)
        if comma < 0:
            return None
        value, pos = text[pos:comma], comma + 1
    return value


def tracepoint(text: str) -> tuple[str, bool]:
    """A tracepoint read as ``static inline void trace_NAME(ARGS)``, and
    whether it could be (kernel-doc warns when not)."""
    name = _between(text, "TRACE_EVENT(", 1)
    single = _between(text, "DEFINE_SINGLE_EVENT(", 1)
    name = single if single is not None else name
    event = _between(text, "DEFINE_EVENT(", 2)
    name = event if event is not None else name
    proto = text.find("TP_PROTO(")
    close = text.find(")", proto + len("TP_PROTO(")) if proto >= 0 else -1
    if name is None or close < 0:
        return text, False
    args = text[proto + len("TP_PROTO("):close]
    return f"static inline void trace_{name.lstrip()}({args})", True


def is_tracepoint(text: str) -> bool:
    return "TRACE_EVENT" in text or "DEFINE_EVENT" in text or "DEFINE_SINGLE_EVENT" in text
