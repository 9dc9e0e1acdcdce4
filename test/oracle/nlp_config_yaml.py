"""Writes the two YAML files of official/nlp/configs that the MNLI command of official/nlp/docs/train.md
names, built with the installed Model Garden's own config classes, laid out as in tensorflow/models:
<out>/official/nlp/configs/models/bert_en_uncased_base.yaml and
<out>/official/nlp/configs/experiments/glue_mnli_matched.yaml.

tf-models-official ships no YAML, and no upstream file is copied into our repository; so the test
serves these. The classes check every key (a keyword a config class does not have raises), the BERT
encoder values are the Model Garden's own BertEncoderConfig defaults (BERT-base, what the upstream
file sets), and the MNLI values are the numbers of the upstream glue_mnli_matched.yaml (3 classes,
sequence length 128, batch 32, 36813 steps, ...). Only the keys the upstream files set are written:
a full dump would also set task.model.encoder in the MNLI file and undo the first file.

Usage: python nlp_config_yaml.py OUT_DIR
"""
import os
import sys

from official.core import config_definitions as cfg
from official.modeling import optimization
from official.modeling.hyperparams import params_dict
from official.nlp.configs import encoders
from official.nlp.data import sentence_prediction_dataloader as spd


def subset(value, shape):
    """The parts of a nested dict named by `shape` (a dict of key -> None for a leaf, or a sub-shape)."""
    return {key: value[key] if sub is None else subset(value[key], sub) for key, sub in shape.items()}


def write(out, relative, content):
    path = os.path.join(out, "official", "nlp", *relative.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    params_dict.save_params_dict_to_yaml(params_dict.ParamsDict(content), path)
    print(path)


def main(out):
    bert = encoders.EncoderConfig(type="bert", bert=encoders.BertEncoderConfig()).as_dict()
    bert_keys = [
        "attention_dropout_rate", "dropout_rate", "hidden_activation", "hidden_size",
        "initializer_range", "intermediate_size", "max_position_embeddings",
        "num_attention_heads", "num_layers", "type_vocab_size", "vocab_size",
    ]
    write(out, "configs/models/bert_en_uncased_base.yaml", {
        "task": {"model": {"encoder": {"type": "bert", "bert": subset(bert["bert"], dict.fromkeys(bert_keys))}}},
    })

    data_keys = dict.fromkeys(
        ["drop_remainder", "global_batch_size", "input_path", "is_training", "seq_length", "label_type"])

    def data(training):
        return subset(spd.SentencePredictionDataConfig(
            input_path="", global_batch_size=32, is_training=training, seq_length=128,
            label_type="int", drop_remainder=training).as_dict(), data_keys)

    optimizer = optimization.OptimizationConfig({
        "optimizer": {"type": "adamw"},
        "learning_rate": {"type": "polynomial", "polynomial": {
            "decay_steps": 36813, "end_learning_rate": 0.0, "initial_learning_rate": 3.0e-05, "power": 1.0}},
        "warmup": {"type": "polynomial", "polynomial": {"power": 1, "warmup_steps": 3681}},
    }).as_dict()
    trainer = cfg.TrainerConfig(
        checkpoint_interval=3000, steps_per_loop=1000, summary_interval=1000, train_steps=36813,
        validation_interval=6135, validation_steps=307, best_checkpoint_export_subdir="best_ckpt",
        best_checkpoint_eval_metric="cls_accuracy", best_checkpoint_metric_comp="higher").as_dict()
    trainer_keys = dict.fromkeys([
        "checkpoint_interval", "steps_per_loop", "summary_interval", "train_steps", "validation_interval",
        "validation_steps", "best_checkpoint_export_subdir", "best_checkpoint_eval_metric",
        "best_checkpoint_metric_comp"])
    trainer_part = subset(trainer, trainer_keys)
    trainer_part["optimizer_config"] = subset(optimizer, {
        "learning_rate": {"type": None, "polynomial": dict.fromkeys(
            ["decay_steps", "end_learning_rate", "initial_learning_rate", "power"])},
        "optimizer": {"type": None},
        "warmup": {"type": None, "polynomial": dict.fromkeys(["power", "warmup_steps"])},
    })
    write(out, "configs/experiments/glue_mnli_matched.yaml", {
        "task": {
            "hub_module_url": "",
            "model": {"num_classes": 3},
            "init_checkpoint": "",
            "metric_type": "accuracy",
            "train_data": data(True),
            "validation_data": data(False),
        },
        "trainer": trainer_part,
    })


if __name__ == "__main__":
    main(sys.argv[1])
