"""The real setuptools' answer to a MANIFEST.in over a directory tree.

Usage: python3 manifest_filelist.py < cases.jsonl
Each input line is {"dir": TREE_DIR, "template": MANIFEST_IN_PATH, "seconds": LIMIT}. For each, this runs the template
part of setuptools' egg_info exactly as manifest_maker does — a fresh FileList, findall(), then
manifest_maker.read_template(), which reads the file with distutils' TextFile and calls
FileList.process_template_line per line, warning on (and skipping) DistutilsTemplateError — and
prints one JSON line: {"files": [...spelled paths as listed...], "warnings": [...logged messages...]}
or {"error": "..."} if setuptools raised, or {"timeout": LIMIT} if it took longer than LIMIT seconds
(setuptools' glob enumerates every way `**` can reach a path: several `**` in one pattern take
it exponential time).
The first output line is {"setuptools": VERSION}.
"""
import json
import logging
import os
import signal
import sys

import setuptools
from setuptools.command.egg_info import FileList, manifest_maker
from setuptools.dist import Distribution


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def capture_old_distutils_log(capture):
    # Before setuptools 65.6 distutils logged through its own Log class, not logging.
    import distutils.log as distutils_log

    old = getattr(distutils_log, "_global_log", None)
    if old is None or isinstance(old, logging.Logger):
        return

    def log(level, msg, args):
        if level >= distutils_log.WARN:
            capture.messages.append(msg % args if args else msg)

    old._log = log


def main():
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    root.setLevel(logging.WARNING)
    capture_old_distutils_log(capture)
    print(json.dumps({"setuptools": setuptools.__version__}), flush=True)
    dist = Distribution({"name": "oracle", "version": "1"})
    signal.signal(signal.SIGALRM, on_alarm)
    for line in sys.stdin:
        case = json.loads(line)
        os.chdir(case["dir"])
        capture.messages = []
        seconds = case.get("seconds", 0)
        signal.alarm(seconds)
        try:
            maker = manifest_maker(dist)
            maker.template = case["template"]
            maker.filelist = FileList()
            maker.filelist.findall()
            maker.read_template()
            result = {"files": maker.filelist.files, "warnings": capture.messages}
        except Timeout:
            result = {"timeout": seconds}
        except Exception as error:  # a crash is an answer too: crosscheck must not claim a result
            result = {"error": f"{type(error).__name__}: {error}"}
        finally:
            signal.alarm(0)
        print(json.dumps(result), flush=True)


main()
