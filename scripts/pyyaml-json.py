#!/usr/bin/env python3
"""Print a YAML file's documents as PyYAML (YAML 1.1) reads them, as one JSON array.

Usage: scripts/pyyaml-json.py FILE

An independent YAML 1.1 reader for Placer's loader tests (Tests/AppModelTests/PyYAMLComparisonTests.swift):
yaml.safe_load_all, documents that are None (empty or comment-only) dropped. Values JSON cannot carry are
written as strings with a marker: timestamps "!!timestamp <ISO 8601>", binary "!!binary <base64>", infinities
and NaN "!!float <repr>", sets as sorted lists. Non-string mapping keys become their JSON text (True -> "true").
Exit status 0 with the JSON on stdout; 1 with PyYAML's message on stderr when it refuses the file.
"""
import base64
import datetime
import json
import math
import sys

import yaml


def plain(value):
    if isinstance(value, dict):
        return {key_text(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, set):
        return sorted(plain(item) for item in value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else "!!float " + repr(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return "!!timestamp " + value.isoformat()
    if isinstance(value, bytes):
        return "!!binary " + base64.b64encode(value).decode("ascii")
    return "!!" + type(value).__name__ + " " + str(value)


def key_text(key):
    if isinstance(key, str):
        return key
    return json.dumps(plain(key), sort_keys=True, ensure_ascii=False)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: pyyaml-json.py FILE\n")
        return 2
    try:
        with open(sys.argv[1], "rb") as stream:
            documents = [plain(doc) for doc in yaml.safe_load_all(stream) if doc is not None]
    except yaml.YAMLError as error:
        sys.stderr.write("pyyaml: " + str(error).replace("\n", " ") + "\n")
        return 1
    sys.stdout.write(json.dumps(documents, ensure_ascii=False, sort_keys=True))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
