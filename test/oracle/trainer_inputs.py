"""Writes the minimal inputs the launch end-to-end tests feed to the real trainer.

With the Model Garden's own code (tf-models-official in the oracle venv):
  bert/     a tiny BertEncoder checkpoint, tf.train.Checkpoint(encoder=...) as the fine-tuning
            tasks restore it, plus bert_config.json (google-research names) and vocab.txt;
  albert/   the same for a tiny AlbertEncoder (albert_config.json);
  hub/      a TF-Hub format SavedModel of the BERT checkpoint (export_tfhub_lib.export_model);
  data/     TFRecords in the formats of official/nlp/data/*_dataloader.py:
            sentence_prediction (train/eval), squad (train), tagging (train);
  tiny.yaml a trainer config: a few steps, batch 2, seq 16, a learning rate that visibly moves weights.

Usage: trainer_inputs.py --out DIR. Prints a JSON description of what it wrote. The folder is
reused while this script is unchanged (DIR/.stamp holds its hash).
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

SEQ = 16
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [
    w for w in "the a of to and in is it that was for on are with as his they be at one have this".split()
]
BERT = dict(vocab_size=len(WORDS), hidden_size=64, num_layers=2, num_attention_heads=2,
             intermediate_size=128, max_position_embeddings=64, type_vocab_size=2)
ALBERT = dict(BERT, embedding_width=32)
TINY_YAML = f"""\
# Tiny run for the launch end-to-end tests: a few CPU steps.
task:
  train_data:
    seq_length: {SEQ}
    global_batch_size: 2
    is_training: true
    drop_remainder: true
  validation_data:
    seq_length: {SEQ}
    global_batch_size: 2
    is_training: false
    drop_remainder: true
trainer:
  train_steps: 3
  validation_steps: 1
  steps_per_loop: 1
  summary_interval: 1
  checkpoint_interval: 3
  validation_interval: 3
  optimizer_config:
    learning_rate:
      polynomial:
        initial_learning_rate: 0.001
        decay_steps: 10
    warmup:
      polynomial:
        warmup_steps: 1
"""


def stamp() -> str:
    with open(__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def description(out: str) -> dict:
    return {
        "bert_checkpoint": os.path.join(out, "bert", "bert_model.ckpt"),
        "albert_checkpoint": os.path.join(out, "albert", "albert_model.ckpt"),
        "hub": os.path.join(out, "hub"),
        "vocab": os.path.join(out, "bert", "vocab.txt"),
        "config_file": os.path.join(out, "tiny.yaml"),
        "sentence_train": os.path.join(out, "data", "sentence_train.tf_record"),
        "sentence_eval": os.path.join(out, "data", "sentence_eval.tf_record"),
        "squad_train": os.path.join(out, "data", "squad_train.tf_record"),
        "tagging_train": os.path.join(out, "data", "tagging_train.tf_record"),
        "bert": BERT,
        "albert": ALBERT,
        "seq_length": SEQ,
    }


def google_config(fields: dict, albert: bool) -> dict:
    """bert_config.json / albert_config.json as google-research writes them."""
    config = {
        "vocab_size": fields["vocab_size"],
        "hidden_size": fields["hidden_size"],
        "num_hidden_layers": fields["num_layers"],
        "num_attention_heads": fields["num_attention_heads"],
        "intermediate_size": fields["intermediate_size"],
        "max_position_embeddings": fields["max_position_embeddings"],
        "type_vocab_size": fields["type_vocab_size"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
    }
    if albert:
        config["embedding_size"] = fields["embedding_width"]
    return config


def write_checkpoint(folder: str, name: str, encoder_type: str, fields: dict):
    import tensorflow as tf
    from official.nlp.configs import encoders

    os.makedirs(folder, exist_ok=True)
    if encoder_type == "bert":
        config = encoders.EncoderConfig(type="bert", bert=encoders.BertEncoderConfig(**fields))
    else:
        config = encoders.EncoderConfig(type="albert", albert=encoders.AlbertEncoderConfig(**fields))
    import tf_keras

    tf_keras.utils.set_random_seed(7 if encoder_type == "bert" else 11)
    encoder = encoders.build_encoder(config)
    prefix = os.path.join(folder, name)
    checkpoint = tf.train.Checkpoint(encoder=encoder)
    # Created before write() so that it is saved: export_tfhub_lib restores with a full match.
    checkpoint.save_counter.assign(1)
    checkpoint.write(prefix)
    with open(os.path.join(folder, f"{encoder_type}_config.json"), "w") as f:
        json.dump(google_config(fields, encoder_type == "albert"), f, indent=2)
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(WORDS) + "\n")
    return config, prefix


def features(values: dict):
    import tensorflow as tf

    feature = {}
    for key, value in values.items():
        value = value if isinstance(value, list) else [value]
        feature[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=value))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write_records(path: str, examples):
    import tensorflow as tf

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tf.io.TFRecordWriter(path) as writer:
        for example in examples:
            writer.write(features(example))


def tokens(i: int):
    length = 6 + i % 8
    ids = [2] + [5 + (i * 7 + j) % (len(WORDS) - 5) for j in range(length - 2)] + [3]
    pad = SEQ - len(ids)
    return {
        "input_ids": ids + [0] * pad,
        "input_mask": [1] * len(ids) + [0] * pad,
        "segment_ids": [0] * (len(ids) // 2) + [1] * (len(ids) - len(ids) // 2) + [0] * pad,
    }, len(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    out = os.path.abspath(parser.parse_args().out)
    stamp_file = os.path.join(out, ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp():
        print(json.dumps(description(out)))
        return
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    bert_config, bert_prefix = write_checkpoint(os.path.join(out, "bert"), "bert_model.ckpt", "bert", BERT)
    write_checkpoint(os.path.join(out, "albert"), "albert_model.ckpt", "albert", ALBERT)

    from official.nlp.tools import export_tfhub_lib

    export_tfhub_lib.export_model(
        os.path.join(out, "hub"),
        encoder_config=bert_config,
        model_checkpoint_path=bert_prefix,
        with_mlm=False,
        vocab_file=os.path.join(out, "bert", "vocab.txt"),
        do_lower_case=True,
    )

    d = description(out)
    sentence = []
    for i in range(16):
        ex, _ = tokens(i)
        sentence.append(dict(ex, label_ids=i % 3))
    write_records(d["sentence_train"], sentence[:12])
    write_records(d["sentence_eval"], sentence[12:])
    squad = []
    for i in range(12):
        ex, length = tokens(i)
        start = 1 + i % (length - 3)
        squad.append(dict(ex, start_positions=start, end_positions=start + 1))
    write_records(d["squad_train"], squad)
    tagging = []
    for i in range(12):
        ex, length = tokens(i)
        labels = [-1] + [(i + j) % 3 for j in range(length - 2)] + [-1] + [-1] * (SEQ - length)
        tagging.append(dict(ex, label_ids=labels))
    write_records(d["tagging_train"], tagging)
    with open(d["config_file"], "w") as f:
        f.write(TINY_YAML)
    with open(stamp_file, "w") as f:
        f.write(stamp())
    print(json.dumps(d))


if __name__ == "__main__":
    sys.exit(main())
