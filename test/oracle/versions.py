"""Prints the installed versions of the oracle's packages and checks that the trainer module imports."""
import json
from importlib import metadata

import official.nlp.train as train  # noqa: F401  (the module `python -m official.nlp.train` runs)

print(json.dumps({
    name: metadata.version(name)
    for name in ("tensorflow", "tf-models-official", "tensorflow-text")
} | {"train": train.__name__}))
