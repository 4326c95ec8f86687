"""A tokenizer and recursive-descent parser for the commercetools query predicate subset.

Grammar (keywords are case-insensitive)::

    expr       := conj ("or" conj)*
    conj       := unary ("and" unary)*
    unary      := "not" "(" expr ")" | "(" expr ")" | condition
    condition  := IDENT "(" expr ")"                      nested object / any array element
                | IDENT op literal                        op: = != <> < <= > >=
                | IDENT ["not"] "in" "(" literal ("," literal)* ")"
                | IDENT "is" ["not"] ("defined" | "empty")
    literal    := STRING | NUMBER | "true" | "false"

`parse()` compiles a predicate into a function `resource_dict -> bool`.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable

Predicate = Callable[[object], bool]


class PredicateError(ValueError):
    """A malformed predicate; the message says where."""


_TOKEN = re.compile(
    r"""(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<punct>[(),])
      | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_MISSING = object()


def _tokenize(text: str) -> list[tuple[str, object, int]]:
    tokens, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return tokens
        match = _TOKEN.match(text, pos)
        if match is None:
            raise PredicateError(f"unexpected character {text[pos]!r} at {pos}")
        kind = match.lastgroup
        raw = match.group(kind)
        if kind == "string":
            try:
                value: object = json.loads(raw)
            except ValueError:
                raise PredicateError(f"invalid string literal at {match.start(kind)}") from None
        elif kind == "number":
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
        else:
            value = raw
        tokens.append((kind, value, match.start(kind)))
        pos = match.end()


def _field(obj: object, name: str) -> object:
    if not isinstance(obj, dict) or obj.get(name) is None:
        return _MISSING
    return obj[name]


def _same_kind(a: object, b: object) -> bool:
    """Values are comparable when both are strings, both booleans, or both numbers."""
    kinds = (bool, str, (int, float))
    return any(isinstance(a, k) and isinstance(b, k) for k in kinds) and (
        isinstance(a, bool) == isinstance(b, bool)
    )


def _compare(op: str, actual: object, expected: object) -> bool:
    if not _same_kind(actual, expected):
        return op in ("!=", "<>")
    if op == "=":
        return actual == expected
    if op in ("!=", "<>"):
        return actual != expected
    return _ORDERING[op](actual, expected)


def _on_value(name: str, test: Callable[[object], bool]) -> Predicate:
    """Apply `test` to a field; on an array, true when any element passes."""

    def check(obj: object) -> bool:
        value = _field(obj, name)
        if value is _MISSING:
            return False
        if isinstance(value, list):
            return any(test(item) for item in value)
        return test(value)

    return check


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def _peek(self, offset: int = 0) -> tuple[str, object, int] | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _where(self) -> str:
        token = self._peek()
        return f"at {token[2]} ({token[1]!r})" if token else "at end of input"

    def _is(self, value: str, offset: int = 0) -> bool:
        token = self._peek(offset)
        if token is None or token[0] not in ("ident", "punct"):
            return False
        return str(token[1]).lower() == value

    def _accept(self, value: str) -> bool:
        if self._is(value):
            self.pos += 1
            return True
        return False

    def _expect(self, value: str) -> None:
        if not self._accept(value):
            raise PredicateError(f"expected {value!r} {self._where()}")

    def parse(self) -> Predicate:
        if not self.tokens:
            raise PredicateError("empty predicate")
        predicate = self._expr()
        if self._peek() is not None:
            raise PredicateError(f"unexpected token {self._where()}")
        return predicate

    def _expr(self) -> Predicate:
        parts = [self._conj()]
        while self._accept("or"):
            parts.append(self._conj())
        return parts[0] if len(parts) == 1 else (lambda obj: any(p(obj) for p in parts))

    def _conj(self) -> Predicate:
        parts = [self._unary()]
        while self._accept("and"):
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda obj: all(p(obj) for p in parts))

    def _unary(self) -> Predicate:
        if self._is("not") and self._is("(", 1):
            self.pos += 1
            inner = self._group()
            return lambda obj: not inner(obj)
        if self._is("("):
            return self._group()
        return self._condition()

    def _group(self) -> Predicate:
        self._expect("(")
        inner = self._expr()
        self._expect(")")
        return inner

    def _condition(self) -> Predicate:
        token = self._peek()
        if token is None or token[0] != "ident":
            raise PredicateError(f"expected a field name {self._where()}")
        name = str(token[1])
        self.pos += 1
        if self._is("("):
            inner = self._group()
            return _on_value(name, inner)
        token = self._peek()
        if token is not None and token[0] == "op":
            self.pos += 1
            op, expected = str(token[1]), self._literal()
            if op in _ORDERING and isinstance(expected, bool):
                raise PredicateError(f"{op!r} cannot compare booleans")
            return _on_value(name, lambda value: _compare(op, value, expected))
        negated = self._accept("not")
        if self._accept("in"):
            values = self._literal_list()
            member = _on_value(name, lambda v: any(_compare("=", v, e) for e in values))
            return (lambda obj: not member(obj)) if negated else member
        if not negated and self._accept("is"):
            return self._is_check(name)
        raise PredicateError(f"expected an operator after {name!r} {self._where()}")

    def _is_check(self, name: str) -> Predicate:
        negated = self._accept("not")
        if self._accept("defined"):
            return lambda obj: (_field(obj, name) is _MISSING) == negated
        if self._accept("empty"):
            return lambda obj: (_field(obj, name) in ([], _MISSING)) != negated
        raise PredicateError(f"expected 'defined' or 'empty' {self._where()}")

    def _literal_list(self) -> list[object]:
        self._expect("(")
        values = [self._literal()]
        while self._accept(","):
            values.append(self._literal())
        self._expect(")")
        return values

    def _literal(self) -> object:
        token = self._peek()
        if token is not None and token[0] in ("string", "number"):
            self.pos += 1
            return token[1]
        if self._accept("true"):
            return True
        if self._accept("false"):
            return False
        raise PredicateError(f"expected a value {self._where()}")


def parse(text: str) -> Predicate:
    """Compile a `where` predicate; raises PredicateError when it is malformed."""
    return _Parser(text).parse()
