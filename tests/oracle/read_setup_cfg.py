"""setuptools' view of setup.cfg files: what `Distribution._parse_config_files` reads.

Usage: python3 read_setup_cfg.py < cases.json — stdin is a JSON list of base64 strings (one
file's bytes each); stdout is a JSON list with one result per case, in order:

  {"error": "<CPython exception class>"}  when reading fails, or
  {"defaults": [[name, raw]...],
   "sections": [[name, [[own option, raw]...], [[option, raw, interpolated]...]]...],
   "defaultGets": [[name, interpolated]...],
   "written": "<RawConfigParser.write output>"}

where `interpolated` is a string or {"error": "<class>"}. Reading is done as setuptools does
it: a TextIOWrapper over the bytes with encoding='utf-8' (universal newlines, strict), then
ConfigParser() with optionxform = str and read_file; for each section, options() and get().
A section's own options come from the parser's private `_sections` (options() mixes in
[DEFAULT]'s), which is fine for a test oracle.
"""
import base64
import configparser
import io
import json
import sys


def text_reader(data):
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def interpolated(parser, section, option):
    try:
        return parser.get(section, option)
    except configparser.Error as error:
        return {"error": type(error).__name__}


def written(data):
    raw = configparser.RawConfigParser()
    raw.optionxform = str
    raw.read_file(text_reader(data))
    out = io.StringIO()
    raw.write(out)
    return out.getvalue()


def read(data):
    parser = configparser.ConfigParser()
    parser.optionxform = str
    try:
        parser.read_file(text_reader(data))
    except (configparser.Error, UnicodeDecodeError) as error:
        return {"error": type(error).__name__}
    sections = []
    for section in parser.sections():
        own = [[name, value] for name, value in parser._sections[section].items()]
        seen = [[option, parser.get(section, option, raw=True), interpolated(parser, section, option)] for option in parser.options(section)]
        sections.append([section, own, seen])
    return {
        "defaults": [[name, value] for name, value in parser.defaults().items()],
        "sections": sections,
        "defaultGets": [[name, interpolated(parser, "DEFAULT", name)] for name in parser.defaults()],
        "written": written(data),
    }


def main():
    cases = json.load(sys.stdin)
    json.dump([read(base64.b64decode(case)) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
