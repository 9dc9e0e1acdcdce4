"""Token ids from the Model Garden's own preprocessing layers (what the TF-Hub preprocessing models run):
official.nlp.modeling.layers.BertTokenizer (tensorflow_text.BertTokenizer) and SentencepieceTokenizer.

stdin: JSON {"kind": "wordpiece"|"sentencepiece", "file": path, "lower": bool, "lines": [str, ...]}
stdout: JSON {"ids": [[int, ...], ...]} (word pieces flattened per line)
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import tensorflow as tf  # noqa: E402
from official.nlp.modeling import layers  # noqa: E402


def main():
  req = json.load(sys.stdin)
  lines = tf.constant(req["lines"])
  if req["kind"] == "wordpiece":
    tok = layers.BertTokenizer(vocab_file=req["file"], lower_case=req["lower"])
    ragged = tok(lines)  # [batch, words, pieces]
    ids = ragged.merge_dims(-2, -1)
  else:
    # As export_tfhub_lib.create_preprocessing builds it for ALBERT.
    tok = layers.SentencepieceTokenizer(model_file_path=req["file"], lower_case=req["lower"],
                                        strip_diacritics=True)
    ids = tok(lines)
    if isinstance(ids, tf.RaggedTensor) and ids.ragged_rank > 1:
      ids = ids.merge_dims(-2, -1)
  print(json.dumps({"ids": ids.to_list()}))


if __name__ == "__main__":
  main()
