"""SMT-LIB2 accepted directly: a whitelist of commands, then Z3's own parser; its messages pass on verbatim.

Assertions are premises. The goal is the assertion named ``conclusion`` (decided as
True/False/Unknown) or the ones named ``option_A`` ... (multiple choice):

    (declare-const a Bool)
    (assert (! a :named fact))
    (assert (! (not a) :named conclusion))

Z3 executes every command it parses: ``set-option`` can redirect its output to any file,
``include`` reads files, ``memory_max_size`` or ``rlimit`` change the whole process. So our
own scanner reads the top-level forms first and Z3 sees only declarations, definitions and
assertions; the commands our decision procedure makes redundant are dropped, anything else
is refused. The scan also finds each ``assert``'s ``:named`` label, which Z3 drops when
parsing from a string; Z3 returns the assertions in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import z3

from logic.depth import MAX_DEPTH, too_deep
from logic.encoded import Encoded, Premise
from nesy.errors import TranslationError

__all__ = ["parse_smtlib", "looks_like_smtlib", "scan_commands", "Command"]

# What a problem is made of; Z3 parses these.
ACCEPTED = ("declare-const", "declare-fun", "declare-sort", "declare-datatype", "declare-datatypes",
            "define-fun", "define-fun-rec", "define-funs-rec", "define-sort", "define-const", "assert")
# Harmless, and redundant with our two checks: dropped, never passed on.
DROPPED = ("set-logic", "set-info", "check-sat", "get-model", "get-unsat-core", "get-value", "exit")

_NAMED = re.compile(r":named\s+([^\s()]+)")
_Z3_POS = re.compile(r"line (\d+) column (\d+)")
_DELIMS = frozenset(' \t\r\n\f\v()";|')


@dataclass(frozen=True)
class Command:
    name: str
    start: int  # offset of its "("
    end: int  # offset just past its ")"
    line: int
    col: int


def looks_like_smtlib(text: str) -> bool:
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith(";"):
            return s.startswith("(")
    return False


class _Scanner:
    """Top-level forms with positions, in one iterative pass (no recursion, whatever the depth)."""

    def __init__(self, text: str, max_depth: int) -> None:
        self.text, self.max_depth = text, max_depth
        self.i, self.line, self.line_start = 0, 1, 0

    def col(self, at: int) -> int:
        return at - self.line_start + 1

    def error(self, msg: str, at: int, symbol: str | None = None) -> TranslationError:
        return TranslationError(f"line {self.line}: {msg}", line=self.line, col=self.col(at), symbol=symbol)

    def skip_to(self, close: str, what: str) -> None:
        """Past the ``close`` that ends a string or quoted symbol (``""`` escapes a quote in a string)."""
        text, start, line, col = self.text, self.i, self.line, self.col(self.i)
        j = start + 1
        while True:
            k = text.find(close, j)
            if k < 0:
                raise TranslationError(f"line {line}: {what} opened at column {col} is never closed",
                                       line=line, col=col, symbol=close)
            if close == '"' and text.startswith('""', k):
                j = k + 2
                continue
            break
        newlines = text.count("\n", start, k)
        if newlines:
            self.line += newlines
            self.line_start = text.rfind("\n", start, k) + 1
        self.i = k + 1

    def commands(self) -> list[Command]:
        text, n = self.text, len(self.text)
        out: list[Command] = []
        depth, open_at, open_line, open_col = 0, 0, 0, 0
        name: str | None = None  # the current command's, once read
        while self.i < n:
            ch, at = text[self.i], self.i
            if ch == "\n":
                self.line, self.line_start = self.line + 1, at + 1
            elif ch == ";":
                end = text.find("\n", at)
                self.i = n if end < 0 else end
                continue
            elif ch in ' \t\r\f\v':
                pass
            elif ch == "(":
                if depth == 0:
                    open_at, open_line, open_col, name = at, self.line, self.col(at), None
                elif name is None:
                    raise self.nameless(at)
                depth += 1
                if depth - 1 > self.max_depth:
                    raise too_deep(self.max_depth, self.line, self.col(at))
            elif ch == ")":
                if depth == 0:
                    raise self.error(f"unbalanced ')' at column {self.col(at)}", at, ")")
                if name is None:
                    raise self.nameless(at)
                depth -= 1
                if depth == 0:
                    out.append(Command(name, open_at, at + 1, open_line, open_col))
            elif ch in '"|':
                if depth == 0:
                    raise self.error(f"text outside a command at column {self.col(at)}", at, ch)
                if name is None:
                    raise self.nameless(at)
                self.skip_to(ch, "a string" if ch == '"' else "a quoted symbol")
                continue
            else:
                end = at
                while end < n and text[end] not in _DELIMS:
                    end += 1
                token = text[at:end]
                if depth == 0:
                    raise self.error(f"text outside a command: {token[:40]!r} at column {self.col(at)}", at, token[:40])
                if name is None:
                    self.admit(token, at)
                    name = token
                self.i = end
                continue
            self.i += 1
        if depth:
            raise TranslationError(f"line {open_line}: the command opened at column {open_col} is never closed "
                                   "(a ')' is missing)", line=open_line, col=open_col, symbol="(")
        return out

    def admit(self, name: str, at: int) -> None:
        if name not in ACCEPTED and name not in DROPPED:
            raise self.error(
                f"the SMT-LIB command {name!r} is not accepted: this service reads declarations, definitions "
                f"and assertions ({', '.join(ACCEPTED)}) and ignores {', '.join(DROPPED)}", at, name)

    def nameless(self, at: int) -> TranslationError:
        return self.error(f"a command starts with its name, e.g. (assert ...), at column {self.col(at)}", at)


def scan_commands(text: str, max_depth: int = MAX_DEPTH) -> list[Command]:
    """Every top-level command, refused (TranslationError) unless whitelisted, before Z3 sees anything."""
    return _Scanner(text, max_depth).commands()


def _whitelisted_text(text: str, commands: list[Command]) -> str:
    """Only the accepted commands; everything else blanked, so Z3's line and column stay the client's."""
    parts: list[str] = []
    pos = 0
    for c in commands:
        if c.name in ACCEPTED:
            parts += [re.sub(r"[^\n]", " ", text[pos:c.start]), text[c.start:c.end]]
            pos = c.end
    parts.append(re.sub(r"[^\n]", " ", text[pos:]))
    return "".join(parts)


def parse_smtlib(text: str, max_depth: int = MAX_DEPTH) -> tuple[Encoded, list[str]]:
    commands = scan_commands(text, max_depth)
    ctx = z3.Context()  # a fresh context: nothing a request declares outlives it
    try:
        asserted = list(z3.parse_smt2_string(_whitelisted_text(text, commands), ctx=ctx))
    except z3.Z3Exception as e:
        raw = e.value.decode() if isinstance(e.value, bytes) else str(e.value)
        msg = raw.strip()
        m = _Z3_POS.search(msg)
        sym = re.search(r"unknown (?:constant|function/constant|sort) ([^\s\")]+)", msg)
        raise TranslationError(
            msg, line=int(m.group(1)) if m else None, col=int(m.group(2)) if m else None,
            symbol=sym.group(1) if sym else None,
        ) from None
    forms = [text[c.start:c.end] for c in commands if c.name == "assert"]
    warnings: list[str] = []
    if len(forms) != len(asserted):
        warnings.append(f"found {len(forms)} assert commands but Z3 returned {len(asserted)} assertions; "
                        "treating all as premises")
        forms = [str(a) for a in asserted]
    premises: list[Premise] = []
    options: dict[str, z3.BoolRef] = {}
    conclusion: z3.BoolRef | None = None
    texts: dict[str, str] = {}
    for i, (expr, src) in enumerate(zip(asserted, forms)):
        m = _NAMED.search(src)
        label = m.group(1) if m else f"a{i + 1}"
        src = " ".join(src.split())
        if label == "conclusion":
            conclusion = expr
            texts["conclusion"] = src
        elif label.startswith("option_"):
            options[label.removeprefix("option_")] = expr
            texts[label.removeprefix("option_")] = src
        else:
            premises.append(Premise(label, expr, src, src))
    return Encoded(ctx, premises, conclusion, options, "smtlib", texts), warnings
