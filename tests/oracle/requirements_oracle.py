"""The Python packaging tools' view of requirement strings and requires.txt files, for the
differential tests of src/formats/requirements.ts. Run with Debian's /usr/bin/python3
(python3-packaging 23.0, python3-wheel 0.38, python3-pkg-resources).

Reads one JSON object on stdin:
  {"requirements": [str], "pairs": [[i, j]], "requiresTxt": [str]}
and prints one JSON object:
  {"versions": {...},
   "requirements": [{"ok": true, "str": str(Requirement(x)), "reference": ...}
                    | {"ok": false, "error": "Type: message"}],
   "pairs": [{"packagingEqual": bool}],     (Requirement.__eq__, name and extras PEP 503-normalized)
   "requiresTxt": [{"ok": true, "fields": [[name, value]]} | {"ok": false, "error": ...}]}

"reference" is crosscheck's canonical form computed here from packaging's own parse and its
own primitives (canonicalize_name, Specifier._canonical_spec, the unnormalized marker tree), by
the rules written in src/formats/markers.ts and requirements.ts.
"""
import copy
import json
import os
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")

import packaging  # noqa: E402
import wheel  # noqa: E402
from packaging import _parser  # noqa: E402
from packaging._parser import Variable  # noqa: E402
from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402
from wheel.metadata import pkginfo_to_metadata  # noqa: E402

JS_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def js_json_string(value):
    """JavaScript's JSON.stringify of a string (json.dumps differs on lone surrogates)."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in JS_ESCAPES:
            out.append(JS_ESCAPES[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical_value(operand, other):
    value = operand.value
    if isinstance(other, Variable) and other.value == "extra":
        value = canonicalize_name(value)
    if '"' in value or "\\" in value:
        return js_json_string(value)
    return '"' + value + '"'


def canonical_side(operand, other):
    if isinstance(operand, Variable):
        return operand.value
    return canonical_value(operand, other)


def unwrap(marker):
    while isinstance(marker, list) and len(marker) == 1 and isinstance(marker[0], (list, tuple)):
        marker = marker[0]
    return marker


def canonical_marker(marker, top=True):
    if isinstance(marker, str):
        return marker
    marker = unwrap(marker)
    if isinstance(marker, tuple):
        left, op, right = marker
        return f"{canonical_side(left, right)} {op.value} {canonical_side(right, left)}"
    inner = " ".join(canonical_marker(item, False) for item in marker)
    return inner if top else "(" + inner + ")"


def canonical_specifier(spec):
    if spec.operator == "===":
        return "===" + spec.version.lower()
    return "".join(spec._canonical_spec)


def reference(text, req):
    raw_marker = _parser.parse_requirement(text).marker
    parts = [canonicalize_name(req.name)]
    extras = sorted({canonicalize_name(e) for e in req.extras})
    if extras:
        parts.append("[" + ",".join(extras) + "]")
    specs = sorted({canonical_specifier(s) for s in req.specifier})
    if specs:
        parts.append(",".join(specs))
    if req.url:
        parts.append("@ " + req.url)
        if raw_marker is not None:
            parts.append(" ")
    if raw_marker is not None:
        parts.append("; " + canonical_marker(raw_marker))
    return "".join(parts)


def describe(error):
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"


def read_requirement(text):
    try:
        req = Requirement(text)
    except Exception as error:  # packaging leaks SyntaxError, ValueError, UnicodeEncodeError
        return None, {"ok": False, "error": describe(error)}
    return req, {"ok": True, "str": str(req), "reference": reference(text, req)}


def normalized(req):
    other = copy.copy(req)
    other.name = canonicalize_name(req.name)
    other.extras = {canonicalize_name(e) for e in req.extras}
    return other


def wheel_fields(text, workdir):
    pkginfo = os.path.join(workdir, "PKG-INFO")
    with open(pkginfo, "w", encoding="utf-8") as f:
        f.write("Metadata-Version: 2.1\nName: example\nVersion: 1.0\n")
    with open(os.path.join(workdir, "requires.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    try:
        message = pkginfo_to_metadata(workdir, pkginfo)
    except Exception as error:
        return {"ok": False, "error": describe(error)}
    fields = [[k, v] for k, v in message.items() if k in ("Provides-Extra", "Requires-Dist")]
    return {"ok": True, "fields": fields}


def main():
    request = json.load(sys.stdin)
    parsed, results = [], []
    for text in request.get("requirements", []):
        req, result = read_requirement(text)
        parsed.append(req)
        results.append(result)
    pairs = []
    for i, j in request.get("pairs", []):
        a, b = parsed[i], parsed[j]
        pairs.append({"packagingEqual": a is not None and b is not None and normalized(a) == normalized(b)})
    with tempfile.TemporaryDirectory() as workdir:
        files = [wheel_fields(text, workdir) for text in request.get("requiresTxt", [])]
    versions = {"python": sys.version.split()[0], "packaging": packaging.__version__, "wheel": wheel.__version__}
    json.dump({"versions": versions, "requirements": results, "pairs": pairs, "requiresTxt": files}, sys.stdout)


main()
