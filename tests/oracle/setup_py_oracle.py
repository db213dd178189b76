"""An independent reading of setup.py files by CPython's own parser, for the differential test of
crosscheck's src/formats/setup-py.ts. It implements the same rules on `ast` (and `tokenize` for
bracket nesting), with Python computing every value it allows: `ast.literal_eval` for literals,
`str.__mod__` and `str.format` for formatting, Python's own slicing.

Usage: python3 setup_py_oracle.py < sources.json   (a JSON array of source strings)
Prints a JSON array, one object per source:
  {"call": "found" | "not-found" | "several" | "invalid",
   "keywords": {name: {"value": <value>} | {"unknown": reason}}, "other": bool}
Values are written as crosscheck's valueToJson writes them (tuples {"tuple": [...]}, dicts
{"dict": [[k, v], ...]}, floats {"float": x}, bytes {"bytes": hex}).

The rules (see setup-py.ts for why):
- the one setup(...) call (bare, setuptools.setup, distutils.core.setup) must be a statement of
  its own (or `NAME = setup(...)`) at module level or directly in `if __name__ == "__main__":`;
  `setup` must be bound only by `from setuptools|distutils.core import setup`;
- a name is evaluated when, before the call, it has exactly one binding, `NAME = expr`, in
  straight-line module code (the main block counts), written before the use; bindings are
  looked for everywhere except inside function and class bodies, where only `global` counts;
- a value holding a list or dict needs every other use of its name before the call to be inside
  setup()'s evaluable keyword values;
- dynamic words or a star import make every name unknown;
- evaluable: literals, `+` on str/list/tuple, `%` (%s %d %% and %(k)s %(k)d, tuple or dict),
  '...'.format(positional, *seq) with {} or {N}, subscripts by int literals and slices, a sign on a
  number literal; brackets nested at most 100 deep; names through at most 100 names.
"""
import ast
import io
import json
import math
import re
import string
import sys
import tokenize

MAX_NESTING = 100
MAX_NAME_DEPTH = 100
SAFE_INT = 2**53 - 1
DYNAMIC = {
    "globals", "locals", "vars", "exec", "execfile", "eval", "getattr", "setattr", "delattr", "__dict__", "__globals__", "func_globals",
    "f_globals", "f_locals", "__builtins__", "builtins", "__builtin__", "modules", "import_module", "_getframe", "currentframe", "__main__",
}
SETUP_MODULES = {"setuptools", "distutils.core"}
PERCENT = re.compile(r"%(?:\(([^()]*)\))?([sd%])")


class Unknown(Exception):
    pass


def encode(value):
    if value is None or isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"float": value if math.isfinite(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[k, encode(v)] for k, v in value.items()]}
    raise TypeError(type(value))


def mutable(value):
    if type(value) in (list, dict):
        return True
    return type(value) is tuple and any(mutable(v) for v in value)


def callee_form(func):
    if isinstance(func, ast.Name) and func.id == "setup":
        return "setup"
    if isinstance(func, ast.Attribute) and func.attr == "setup":
        v = func.value
        if isinstance(v, ast.Name) and v.id == "setuptools":
            return "setuptools.setup"
        if isinstance(v, ast.Attribute) and v.attr == "core" and isinstance(v.value, ast.Name) and v.value.id == "distutils":
            return "distutils.core.setup"
    return None


def is_main_test(test):
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    left, right = test.left, test.comparators[0]
    if isinstance(right, ast.Name):
        left, right = right, left
    return isinstance(left, ast.Name) and left.id == "__name__" and isinstance(right, ast.Constant) and right.value == "__main__"


def nesting_of(source, node, skip):
    """Bracket nesting of a node's source text after its first `skip` tokens (name and =)."""
    segment = ast.get_source_segment(source, node)
    depth = deepest = 0
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)]
    for token in tokens[skip:]:
        if token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        deepest = max(deepest, depth)
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
    return deepest


class Reader:
    def __init__(self, source):
        self.source = source
        self.tree = ast.parse(source)

    def read(self):
        sites = [n for n in ast.walk(self.tree) if isinstance(n, ast.Call) and callee_form(n.func)]
        if not sites:
            return {"call": "not-found"}
        if len(sites) > 1:
            return {"call": "several"}
        self.call = sites[0]
        self.form = callee_form(self.call.func)
        if not self.place():
            return {"call": "not-found"}
        self.scan()
        if not self.callee_ok():
            return {"call": "not-found"}
        return self.keywords()

    # -- placement ---------------------------------------------------------------------------
    def place(self):
        body = self.tree.body
        self.main = None
        for i, stmt in enumerate(body):
            if self.is_call_statement(stmt):
                self.straight = body[:i]
                self.call_stmt = stmt
                self.region = body[:i] + [stmt]
                return True
            if isinstance(stmt, ast.If) and is_main_test(stmt.test):
                for j, inner in enumerate(stmt.body):
                    if self.is_call_statement(inner):
                        self.main = stmt
                        self.straight = body[:i] + stmt.body[:j]
                        self.call_stmt = inner
                        self.region = body[:i] + [stmt.test] + stmt.body[:j] + [inner]
                        return True
        return False

    def is_call_statement(self, stmt):
        if isinstance(stmt, ast.Expr) and stmt.value is self.call:
            return True
        return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.value is self.call

    # -- bindings, uses, dynamic words -------------------------------------------------------
    def scan(self):
        self.bindings = {}
        self.stars = []
        self.taint = False
        self.uses = {}
        straight = {id(s) for s in self.straight}
        for stmt in self.region:
            self.bind_walk(stmt, False, id(stmt) in straight)
            self.scan_dynamic(stmt)
            for node in ast.walk(stmt):
                if isinstance(node, ast.Name):
                    self.uses.setdefault(node.id, []).append(node)
                elif isinstance(node, ast.arg):
                    self.uses.setdefault(node.arg, []).append(node)
        if self.stars:
            self.taint = True

    def add(self, name, kind, node, stmt, **extra):
        self.bindings.setdefault(name, []).append(dict(kind=kind, node=node, stmt=stmt, **extra))

    def target_names(self, target, attributes=True):
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                yield node.id, node
            elif attributes and isinstance(node, ast.Attribute):
                yield node.attr, node

    def bind_walk(self, node, in_scope, straight, stmt=None):
        stmt = stmt if stmt is not None else node
        if isinstance(node, ast.Global):
            for name in node.names:
                self.add(name, "global", node, stmt)
            return
        if in_scope:
            for child in ast.iter_child_nodes(node):
                self.bind_walk(child, True, False, stmt)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.add(node.name, "def", node, stmt)
            header = node.decorator_list + (node.bases + [k.value for k in node.keywords] if isinstance(node, ast.ClassDef) else [node.args] + ([node.returns] if node.returns else []))
            for child in header:
                self.bind_walk(child, False, False, stmt)
            for child in node.body:
                self.bind_walk(child, True, False, child)
            return
        if isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.add(node.targets[0].id, "assignment", node.targets[0], stmt, straight=straight, value=node.value, assign=node)
            else:
                for target in node.targets:
                    for name, n in self.target_names(target):
                        self.add(name, "target", n, stmt)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            for name, n in self.target_names(node.target):
                self.add(name, "augmented", n, stmt)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            for name, n in self.target_names(node.target):
                self.add(name, "for", n, stmt)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for name, n in self.target_names(node.optional_vars):
                self.add(name, "as", n, stmt)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.add(node.name, "as", node, stmt)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                self.add(alias.asname or alias.name.split(".")[0], "import", node, stmt, module=alias.name, aliased=alias.asname is not None)
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append(module)
                else:
                    self.add(alias.asname or alias.name, "import-from", node, stmt, module=module, imported=alias.name,
                             aliased=alias.asname is not None and alias.asname != alias.name)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                for name, n in self.target_names(target, attributes=False):
                    self.add(name, "del", n, stmt)
        elif isinstance(node, ast.NamedExpr):
            self.add(node.target.id, "walrus", node.target, stmt)
        elif isinstance(node, ast.comprehension):
            for name, n in self.target_names(node.target):
                self.add(name, "comprehension", n, stmt)
        for child in ast.iter_child_nodes(node):
            # A nested statement is never straight-line code; its own position is its statement's.
            self.bind_walk(child, False, False, child if isinstance(child, ast.stmt) else stmt)

    def scan_dynamic(self, stmt):
        """Any identifier among the dynamic words, or __import__ other than __import__('literal')."""
        plain = set()
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
                args = node.args
                if len(args) == 1 and not node.keywords and isinstance(args[0], ast.Constant) and type(args[0].value) is str and args[0].value != "__main__":
                    plain.add(id(node.func))
        for node in ast.walk(stmt):
            if any(name in DYNAMIC for name in identifiers(node)):
                self.taint = True
            if isinstance(node, ast.Name) and node.id == "__import__" and id(node) not in plain:
                self.taint = True

    def callee_ok(self):
        before = lambda name: self.bindings.get(name, [])
        for b in before("setup"):
            if not (b["kind"] == "import-from" and b["module"] in SETUP_MODULES and b["imported"] == "setup" and not b["aliased"]):
                return False
        if self.form == "setup":
            other_star = any(s not in SETUP_MODULES for s in self.stars)
            if before("setup"):
                return not other_star
            return bool(self.stars) and not other_star
        root = "setuptools" if self.form == "setuptools.setup" else "distutils"
        exact = "setuptools" if self.form == "setuptools.setup" else "distutils.core"
        roots = before(root)
        if not roots:
            return False
        return all(b["kind"] == "import" and not b["aliased"] and (b["module"] == exact or b["module"].startswith(root + ".")) for b in roots)

    # -- evaluation --------------------------------------------------------------------------
    def keywords(self):
        out = {}
        other = False
        self.raw_memo = {}
        self.final_memo = {}
        self.depth_memo = {}
        self.pure = set()
        call_pos = self.position(self.call_stmt)
        values = []
        for kw in self.call.keywords:
            if kw.arg is None:
                other = True
                continue
            values.append(kw)
        for kw in values:
            if kw.arg == "packages":
                kw.value = self.package_finder(kw.value)
        for kw in values:
            try:
                self.check_nesting(kw, 2)
                self.evaluate(kw.value, call_pos, "raw")
                self.pure.update(id(n) for n in ast.walk(kw.value) if isinstance(n, ast.Name))
            except Unknown:
                pass
        for kw in values:
            try:
                self.check_nesting(kw, 2)
                out[kw.arg] = {"value": encode(self.evaluate(kw.value, call_pos, "final"))}
            except Unknown as why:
                out[kw.arg] = {"unknown": str(why)}
        return {"call": "found", "keywords": out, "other": other}

    def package_finder(self, node):
        """`packages=find_packages(...)` from setuptools: its arguments as a dict naming the finder (setup-py.ts's packageFinder)."""
        if not isinstance(node, ast.Call):
            return node
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("find_packages", "find_namespace_packages"):
            name, dotted = func.id, False
        elif isinstance(func, ast.Attribute) and func.attr in ("find_packages", "find_namespace_packages") and isinstance(func.value, ast.Name) and func.value.id == "setuptools":
            name, dotted = func.attr, True
        else:
            return node
        bindings = self.bindings.get("setuptools" if dotted else name, [])
        before = [b for b in bindings if self.position(b["stmt"]) < self.position(self.call_stmt)] if bindings and "stmt" in bindings[0] else bindings
        ok = bool(before) and all((b["kind"] == "import" and b["module"] == "setuptools" and not b["aliased"]) if dotted else (b["kind"] == "import-from" and b["module"] == "setuptools" and b["imported"] == name and not b["aliased"]) for b in before)
        if not ok:
            return ast.Name(id="__not_only_imported_from_setuptools__", ctx=ast.Load())
        positional = ["where", "exclude", "include"]
        keys = [ast.Constant(value="__finder__")]
        values = [ast.Constant(value=name)]
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None or k.arg not in positional for k in node.keywords) or len(node.args) > 3:
            return ast.Name(id="__finder_argument_not_read__", ctx=ast.Load())
        for i, arg in enumerate(node.args):
            keys.append(ast.Constant(value=positional[i]))
            values.append(arg)
        for k in node.keywords:
            keys.append(ast.Constant(value=k.arg))
            values.append(k.value)
        return ast.copy_location(ast.Dict(keys=keys, values=values), node)

    def check_nesting(self, node, skip):
        if nesting_of(self.source, node, skip) > MAX_NESTING:
            raise Unknown("nesting")

    @staticmethod
    def position(stmt):
        return (stmt.lineno, stmt.col_offset)

    def readable(self, name):
        sites = self.bindings.get(name, [])
        if len(sites) != 1:
            return None
        site = sites[0]
        return site if site["kind"] == "assignment" and site["straight"] else None

    def name_depth(self, site):
        key = id(site["node"])
        if key not in self.depth_memo:
            deepest = 0
            for node in ast.walk(site["value"]):
                if isinstance(node, ast.Name):
                    other = self.readable(node.id)
                    if other is not None and self.position(other["stmt"]) < self.position(site["stmt"]):
                        deepest = max(deepest, self.name_depth(other))
            self.depth_memo[key] = deepest + 1
        return self.depth_memo[key]

    def lookup(self, node, at, mode):
        if self.taint:
            raise Unknown("taint")
        sites = self.bindings.get(node.id, [])
        if len(sites) != 1:
            raise Unknown("bound %d times" % len(sites))
        site = sites[0]
        if site["kind"] != "assignment" or not site["straight"]:
            raise Unknown("not a straight-line assignment")
        if not self.position(site["stmt"]) < at:
            raise Unknown("assigned later")
        memo = self.raw_memo if mode == "raw" else self.final_memo
        key = id(site["node"])
        if key not in memo:
            try:
                if self.name_depth(site) > MAX_NAME_DEPTH:
                    raise Unknown("name depth")
                self.check_nesting(site["assign"], 2)
                memo[key] = (True, self.evaluate(site["value"], self.position(site["stmt"]), mode))
            except Unknown as why:
                memo[key] = (False, str(why))
        ok, value = memo[key]
        if not ok:
            raise Unknown(value)
        if mode == "final" and mutable(value):
            for use in self.uses.get(node.id, []):
                if use is site["node"]:
                    continue
                if id(use) not in self.pure:
                    raise Unknown("used elsewhere")
        return value

    def evaluate(self, node, at, mode):
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.JoinedStr):
            if all(isinstance(v, ast.Constant) for v in node.values):
                return self.constant("".join(v.value for v in node.values))
            raise Unknown("f-string with fields")
        if isinstance(node, ast.Name):
            return self.lookup(node, at, mode)
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise Unknown("starred")
            items = [self.evaluate(e, at, mode) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            out = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    raise Unknown("**")
                key = self.evaluate(k, at, mode)
                if type(key) is not str:
                    raise Unknown("key")
                out[key] = self.evaluate(v, at, mode)
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = node.operand
            if isinstance(operand, ast.Constant) and type(operand.value) in (int, float):
                value = self.constant(operand.value)
                return -value if isinstance(node.op, ast.USub) else +value
            raise Unknown("sign")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.evaluate(node.left, at, mode)
            right = self.evaluate(node.right, at, mode)
            if type(left) is type(right) and type(left) in (str, list, tuple):
                return left + right
            raise Unknown("+ types")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.evaluate(node.left, at, mode)
            right = self.evaluate(node.right, at, mode)
            return percent(left, right)
        if isinstance(node, ast.Call):
            return self.format_call(node, at, mode)
        if isinstance(node, ast.Subscript):
            return self.subscript(node, at, mode)
        raise Unknown(type(node).__name__)

    @staticmethod
    def constant(value):
        if value is None or type(value) in (bool, float, bytes):
            return value
        if type(value) is int:
            if abs(value) > SAFE_INT:
                raise Unknown("big int")
            return value
        if type(value) is str:
            if any("\ud800" <= c <= "\udfff" for c in value):
                raise Unknown("surrogate")
            return value
        raise Unknown("constant " + type(value).__name__)

    def format_call(self, node, at, mode):
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "format") or node.keywords:
            raise Unknown("call")
        receiver = func.value
        literal = (isinstance(receiver, ast.Constant) and type(receiver.value) is str) or (
            isinstance(receiver, ast.JoinedStr))
        if not literal:
            raise Unknown("call on non-literal")
        fmt = self.evaluate(receiver, at, mode)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                seq = self.evaluate(arg.value, at, mode)
                if type(seq) not in (list, tuple):
                    raise Unknown("*")
                args.extend(seq)
            else:
                args.append(self.evaluate(arg, at, mode))
        try:
            fields = list(string.Formatter().parse(fmt))
        except ValueError:
            raise Unknown("format parse")
        mode_seen = None
        auto = 0
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if conversion is not None or spec:
                raise Unknown("spec")
            if name == "":
                kind, index = "auto", auto
                auto += 1
            elif re.fullmatch(r"[0-9]+", name):
                kind, index = "manual", int(name)
            else:
                raise Unknown("named field")
            if mode_seen not in (None, kind):
                raise Unknown("mixed")
            mode_seen = kind
            if index >= len(args) or type(args[index]) not in (str, int, bool, type(None)):
                raise Unknown("arg")
        return fmt.format(*args)

    def subscript(self, node, at, mode):
        container = self.evaluate(node.value, at, mode)
        if type(container) not in (list, tuple):
            raise Unknown("subscript of " + type(container).__name__)
        index = node.slice
        if isinstance(index, ast.Slice):
            parts = [None if p is None else int_literal(p) for p in (index.lower, index.upper, index.step)]
            if parts[2] == 0:
                raise Unknown("step 0")
            return container[slice(*parts)]
        try:
            return container[int_literal(index)]
        except IndexError:
            raise Unknown("index")


def identifiers(node):
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.keyword):
        return [node.arg] if node.arg else []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.alias):
        return node.name.split(".") + ([node.asname] if node.asname else [])
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    return []


def int_literal(node):
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int and abs(node.value) <= SAFE_INT:
        return sign * node.value
    raise Unknown("not an int literal")


def percent(fmt, args):
    if type(fmt) is not str or type(args) not in (tuple, dict):
        raise Unknown("%")
    positional = 0
    # Every % must start one of the allowed conversions.
    i = 0
    while True:
        i = fmt.find("%", i)
        if i == -1:
            break
        match = PERCENT.match(fmt, i)
        if not match or (match.group(1) is not None and match.group(2) == "%"):
            raise Unknown("conversion")
        key, conversion = match.group(1), match.group(2)
        if conversion != "%":
            if key is not None:
                if type(args) is not dict or key not in args:
                    raise Unknown("mapping")
                value = args[key]
            else:
                if type(args) is not tuple or positional >= len(args):
                    raise Unknown("positional")
                value = args[positional]
                positional += 1
            allowed = (str, int, bool, type(None)) if conversion == "s" else (int, bool)
            if type(value) not in allowed:
                raise Unknown("type")
        i = match.end()
    if type(args) is tuple and positional != len(args):
        raise Unknown("count")
    try:
        return fmt % args
    except (TypeError, ValueError, KeyError):
        raise Unknown("python refused")


def main():
    sys.setrecursionlimit(20000)
    sources = json.load(sys.stdin)
    out = []
    for source in sources:
        try:
            reader = Reader(source)
        except (SyntaxError, ValueError):
            out.append({"call": "invalid"})
            continue
        out.append(reader.read())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
