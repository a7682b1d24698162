"""Mutants of one Python file, made from its syntax tree.

Each mutant changes one expression or statement; it is applied by replacing
that node's source text, so a mutant's diff is the line it touched and the
rest of the file keeps its layout.  Nodes that cannot change behaviour are
not mutated: docstrings, type annotations, ``__all__``, imports and the
``if __name__ == "__main__"`` guard; f-strings are left whole (their parts
have no reliable positions in Python 3.11).

Strings that only reach ``--help`` (the keywords in ``HELP_KEYWORDS``, the
exit-code meanings in ``HELP_NAMES``) are marked ``help_text``: the contract
(docs/programs.md) fixes a recipe's options, not how its help words them, so
the runner leaves them out unless asked (``--all``) and says how many.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator
from dataclasses import dataclass

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Div,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitAnd,
}


HELP_KEYWORDS = frozenset({"help", "metavar", "description", "summary", "details", "epilog"})
HELP_NAMES = frozenset({"MEANINGS"})


@dataclass(frozen=True)
class Mutant:
    """One change to one file: the node's span and the text that replaces it."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    replacement: str
    kind: str
    help_text: bool = False

    @property
    def id(self) -> str:
        """Stable enough to name a mutant across runs of the same code."""
        return f"{self.path}:{self.line}:{self.col}-{self.end_line}:{self.end_col}:{self.kind}"

    def apply(self, source: str) -> str:
        """``source`` with this mutant's span replaced (offsets are UTF-8 bytes, as ast gives them)."""
        lines = source.encode().splitlines(keepends=True)
        head = b"".join(lines[: self.line - 1]) + lines[self.line - 1][: self.col]
        tail = lines[self.end_line - 1][self.end_col :] + b"".join(lines[self.end_line :])
        return (head + self.replacement.encode() + tail).decode()

    def diff(self, source: str) -> str:
        """The unified diff of the mutant against ``source``."""
        changed = difflib.unified_diff(
            source.splitlines(keepends=True), self.apply(source).splitlines(keepends=True), self.path, self.path, n=0
        )
        return "".join(changed)


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes whose subtrees are no-ops to mutate (see the module docstring)."""
    skip: list[ast.AST] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.append(first)
        if isinstance(node, ast.AnnAssign | ast.arg) and node.annotation is not None:
            skip.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            skip.append(node.returns)
        elif isinstance(node, ast.Import | ast.ImportFrom | ast.JoinedStr):
            skip.append(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                skip.append(node)
        elif isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            skip.append(node.test)
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in {"TypeVar", "cast"}:
            skip.append(node)
    return {id(sub) for top in skip for sub in ast.walk(top)}


def _help_nodes(tree: ast.Module) -> set[int]:
    """ids of the expressions that only reach ``--help`` (see the module docstring).

    Every node of such a value counts, not only its strings: ``details=__doc__ or ""``
    chooses a help text as surely as a string constant spells one."""
    tops: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in HELP_KEYWORDS:
            tops.append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and any(isinstance(t, ast.Name) and t.id in HELP_NAMES for t in targets):
                tops.append(node.value)
    return {id(sub) for top in tops for sub in ast.walk(top)}


def _replacements(node: ast.AST) -> Iterator[tuple[str, ast.AST | str]]:
    """(kind, new node or text) for every mutation of ``node`` itself."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "bool", ast.Constant(not value)
        elif isinstance(value, int | float):
            yield "number", ast.Constant(value + 1)
        elif isinstance(value, str):
            yield "string", ast.Constant("XX" + value + "XX")
        elif isinstance(value, bytes):
            yield "bytes", ast.Constant(b"XX" + value + b"XX")
    elif isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAPS:
                ops = list(node.ops)
                ops[index] = _COMPARE_SWAPS[type(op)]()
                yield f"compare{index}", ast.Compare(node.left, ops, node.comparators)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
        yield "binop", ast.BinOp(node.left, _BINOP_SWAPS[type(node.op)](), node.right)
    elif isinstance(node, ast.AugAssign) and type(node.op) in _BINOP_SWAPS:
        yield "augassign", ast.AugAssign(node.target, _BINOP_SWAPS[type(node.op)](), node.value)
    elif isinstance(node, ast.BoolOp):
        yield "boolop", ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        yield "unary", node.operand
    elif isinstance(node, ast.Break):
        yield "break", "continue"
    elif isinstance(node, ast.Continue):
        yield "continue", "break"
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield "return", "return None"
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call | ast.Await):
        yield "call", "pass"


def mutants(path: str, source: str) -> list[Mutant]:
    """Every mutant of ``source`` (the file at ``path``), in source order."""
    tree = ast.parse(source)
    skip = _skipped_nodes(tree)
    help_only = _help_nodes(tree)
    found: list[Mutant] = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.expr | ast.stmt):
            continue
        for kind, new in _replacements(node):
            text = new if isinstance(new, str) else ast.unparse(new)
            if isinstance(new, ast.expr) and not isinstance(new, ast.Constant | ast.Name):
                text = f"({text})"
            assert node.end_lineno is not None and node.end_col_offset is not None
            help_text = id(node) in help_only
            span = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
            found.append(Mutant(path, *span, text, kind, help_text))
    found.sort(key=lambda m: (m.line, m.col, m.kind))
    return [m for m in found if _compiles(m, source)]


def _compiles(mutant: Mutant, source: str) -> bool:
    """A mutant must still be Python (a statement replaced by ``pass`` on a line of its own, say)."""
    try:
        compile(mutant.apply(source), mutant.path, "exec")
    except SyntaxError:
        return False
    return True
