"""The installer's view of an archive: what CPython's tarfile and zipfile (which pip uses) list.

Usage: python3 list_archive.py FILE...  — prints one JSON object per file, in order:
{"ok": true, "members": [{"name", "type", "size", "sha256"}]} or {"ok": false, "error": "..."}.
crosscheck's hostile-archive tests require that crosscheck either rejects an archive or lists
exactly these members.
"""
import hashlib
import json
import sys
import tarfile
import zipfile


def tar_members(path):
    members = []
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            entry = {"name": member.name.rstrip("/"), "size": member.size}
            if member.isreg():
                data = archive.extractfile(member).read()
                entry.update(type="file", sha256=hashlib.sha256(data).hexdigest(), size=len(data))
            elif member.isdir():
                entry.update(type="directory", sha256=None, size=0)
            else:
                entry.update(type="other:" + member.type.decode("latin-1"), sha256=None)
            members.append(entry)
    return members


def zip_members(path):
    members = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                members.append({"name": info.filename.rstrip("/"), "type": "directory", "size": 0, "sha256": None})
            else:
                data = archive.read(info)
                members.append({"name": info.filename, "type": "file", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return members


def main():
    for path in sys.argv[1:]:
        try:
            members = zip_members(path) if path.endswith((".whl", ".zip")) else tar_members(path)
            result = {"ok": True, "members": members}
        except Exception as error:  # the oracle reports every refusal, whatever its class
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(result))


if __name__ == "__main__":
    main()
