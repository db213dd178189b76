"""What a Django sdist declares and records about its dependencies, read by Python's own
libraries, for tests/formats/requirements.real.test.ts.

Usage: python3 sdist_requirements.py SDIST.tar.gz — prints one JSON object: the text of
*.egg-info/requires.txt, PKG-INFO's Requires-Dist values, setup.cfg's text, pyproject.toml's
[project] dependencies and optional-dependencies (tomllib), and setup.py's setup() keywords
install_requires and extras_require (ast.literal_eval), each null where absent.
"""
import ast
import email.parser
import json
import sys
import tarfile
import tomllib


def setup_py_keywords(source):
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup":
            for keyword in node.keywords:
                if keyword.arg in ("install_requires", "extras_require"):
                    found[keyword.arg] = ast.literal_eval(keyword.value)
    return found or None


def main(path):
    with tarfile.open(path) as archive:
        top = archive.getnames()[0].split("/")[0]

        def read(name):
            try:
                return archive.extractfile(f"{top}/{name}").read().decode("utf-8")
            except KeyError:
                return None

        pkg_info = email.parser.Parser().parsestr(read("PKG-INFO"))
        pyproject = read("pyproject.toml")
        project = tomllib.loads(pyproject).get("project", {}) if pyproject else {}
        setup_py = read("setup.py")
        result = {
            "requiresTxt": read("Django.egg-info/requires.txt"),
            "pkgInfoRequiresDist": pkg_info.get_all("Requires-Dist") or [],
            "setupCfg": read("setup.cfg"),
            "pyproject": {"dependencies": project.get("dependencies"), "optional": project.get("optional-dependencies")} if "dependencies" in project else None,
            "setupPy": setup_py_keywords(setup_py) if setup_py else None,
        }
    json.dump(result, sys.stdout)


main(sys.argv[1])
