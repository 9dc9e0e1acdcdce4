"""Parses --params_override strings with the Model Garden's own code, as train.py does.

Reads a JSON list of strings on stdin; for each, runs
official.modeling.hyperparams.params_dict.override_params_dict on an empty ParamsDict (not strict,
so every key is accepted: the corpus is about the grammar, not about one experiment's keys) and
prints {"ok": {dotted.key: value}} or {"error": message}, one JSON list on stdout. Values that JSON
cannot hold are written as {"$type": name, "repr": ...} (floats inf/nan as {"$float": "inf"}).
"""
import json
import math
import os
import sys
import tempfile

from official.modeling.hyperparams import params_dict


def jsonable(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return {"$type": type(value).__name__, "repr": repr(value)}


def flatten(prefix, value, out):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            flatten(prefix + [str(key)], item, out)
    else:
        out[".".join(prefix)] = jsonable(value)


def main():
    texts = json.load(sys.stdin)
    # The last fallback reads the string as a YAML file path: run where no such file exists.
    os.chdir(tempfile.mkdtemp())
    results = []
    for text in texts:
        try:
            params = params_dict.override_params_dict(params_dict.ParamsDict(), text, is_strict=False)
            out = {}
            flatten([], params.as_dict(), out)
            results.append({"ok": out})
        except Exception as e:  # noqa: BLE001 - every failure is a rejection
            results.append({"error": "%s: %s" % (type(e).__name__, str(e).split("\n")[0][:200])})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
