"""Writes every published artifact layout with the Model Garden's own code, and what TensorFlow computes on them.

Each artifact folder holds the files as a user finds them (checkpoint or SavedModel, configs, vocabulary) and
`oracle.json`: what TensorFlow reports (`tf.train.list_variables`), the truth the generator built it from
(family, sizes, heads), and the model's outputs on 20 seeded inputs, computed by the Model Garden model itself.

Usage: python generate.py --out DIR [--only NAME,...] [--force]
A stamp (hash of this file and the pinned requirements) makes reruns free while nothing changed.
"""

import argparse
import hashlib
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261130
NUM_INPUTS = 20
SEQ = 24
VOCAB_SIZE = 320


def stamp_of(extra=""):
  h = hashlib.sha256()
  for name in ("generate.py", "requirements.txt"):
    with open(os.path.join(HERE, name), "rb") as f:
      h.update(f.read())
  h.update(extra.encode())
  return h.hexdigest()


# ---------------------------------------------------------------- inputs


def vocab_tokens():
  """A WordPiece vocabulary of VOCAB_SIZE entries: specials, then words and ## pieces."""
  special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
  letters = "abcdefghijklmnopqrstuvwxyz"
  words = [a + b for a in letters for b in "aeiou"]
  pieces = ["##" + c for c in letters] + list(letters) + list(".,!?;:'\"()-")
  toks = special + pieces + words
  i = 0
  while len(toks) < VOCAB_SIZE:
    toks.append("w%03d" % i)
    i += 1
  return toks[:VOCAB_SIZE]


def seeded_inputs(vocab_size, type_vocab=2, seq=SEQ, n=NUM_INPUTS, seed=SEED):
  """n rows of [CLS] a [SEP] (b [SEP]) with padding; some rows full length."""
  import numpy as np
  rng = np.random.RandomState(seed)
  ids = np.zeros((n, seq), np.int32)
  mask = np.zeros((n, seq), np.int32)
  types = np.zeros((n, seq), np.int32)
  for r in range(n):
    length = seq if r % 5 == 0 else int(rng.randint(4, seq))
    row = rng.randint(5, vocab_size, size=length)
    row[0] = 2
    row[length - 1] = 3
    ids[r, :length] = row
    mask[r, :length] = 1
    if r % 2 == 1 and length > 4:
      cut = int(rng.randint(2, length - 1))
      row[cut] = 3
      ids[r, cut] = 3
      types[r, cut + 1:length] = 1 if type_vocab > 1 else 0
    if r % 3 == 0:
      ids[r, 1 + (r % max(1, length - 2))] = 4  # a [MASK]
  positions = np.zeros((n, 3), np.int32)
  for r in range(n):
    length = int(mask[r].sum())
    positions[r] = rng.randint(1, max(2, length - 1), size=3)
  return dict(input_word_ids=ids, input_mask=mask, input_type_ids=types), positions


def tolist(x):
  import numpy as np
  return np.asarray(x, np.float64).round(7).tolist()


# ---------------------------------------------------------------- builders

SMALL = dict(vocab_size=VOCAB_SIZE, hidden_size=64, num_layers=2, num_attention_heads=4, intermediate_size=128,
             max_sequence_length=64, type_vocab_size=2)


def seed_all(offset=0):
  import numpy as np
  import tensorflow as tf
  import tf_keras
  tf_keras.utils.set_random_seed(SEED + offset)
  tf.random.set_seed(SEED + offset)
  np.random.seed(SEED + offset)


def randomize(model, scale=0.2, offset=0):
  """Every weight random (seeded), so layer norms, biases and poolers all matter in the comparison."""
  import numpy as np
  rng = np.random.RandomState(SEED + 7 + offset)
  for v in model.weights:
    shape = v.shape.as_list()
    if v.name.endswith("gamma:0"):
      v.assign(1.0 + rng.normal(0, 0.1, shape).astype(np.float32))
    else:
      v.assign(rng.normal(0, scale, shape).astype(np.float32))


def bert_encoder(**overrides):
  import tf_keras
  from official.modeling import tf_utils
  from official.nlp.modeling import networks
  kw = dict(SMALL)
  kw.update(overrides)
  return networks.BertEncoder(activation=tf_utils.get_activation("gelu"),
                              initializer=tf_keras.initializers.TruncatedNormal(stddev=0.02),
                              dropout_rate=0.0, attention_dropout_rate=0.0, **kw)


def albert_encoder(embedding_width=16):
  import tf_keras
  from official.modeling import tf_utils
  from official.nlp.modeling import networks
  kw = dict(SMALL)
  kw["num_layers"] = 3
  return networks.AlbertEncoder(activation=tf_utils.get_activation("gelu"),
                                initializer=tf_keras.initializers.TruncatedNormal(stddev=0.02),
                                dropout_rate=0.0, attention_dropout_rate=0.0, embedding_width=embedding_width,
                                **kw)


def talking_heads_encoder():
  """The TF-Hub talking-heads GGeLU encoder: EncoderScaffold with TalkingHeadsAttention and GatedFeedforward."""
  import tf_keras
  from official.modeling import activations
  from official.nlp.modeling import layers, networks
  init = tf_keras.initializers.TruncatedNormal(stddev=0.02)
  hidden_cfg = dict(num_attention_heads=4, intermediate_size=128, intermediate_activation=activations.gelu,
                    dropout_rate=0.0, attention_dropout_rate=0.0, kernel_initializer=init)
  embedding_cfg = dict(vocab_size=VOCAB_SIZE, type_vocab_size=2, hidden_size=64, seq_length=SEQ,
                       max_seq_length=64, initializer=init, dropout_rate=0.0)
  return networks.EncoderScaffold(
      pooled_output_dim=64, pooler_layer_initializer=init, hidden_cls=layers.TransformerScaffold,
      hidden_cfg=dict(hidden_cfg, attention_cls=layers.TalkingHeadsAttention,
                      feedforward_cls=layers.GatedFeedforward,
                      feedforward_cfg=dict(inner_dim=128, inner_activation=activations.gelu, dropout=0.0,
                                           use_gate=True, num_blocks=1, dropout_position="before_residual",
                                           kernel_initializer=init)),
      num_hidden_instances=2, embedding_cfg=embedding_cfg, dict_outputs=True, layer_norm_before_pooling=False,
      name="transformer_encoder")


def build(model, inputs):
  model(inputs)
  return model


def encoder_outputs(encoder, inputs):
  out = encoder(inputs)
  if isinstance(out, (list, tuple)):
    return dict(sequence_output=out[0], pooled_output=out[1])
  return out


def list_variables(prefix):
  import tensorflow as tf
  return [dict(key=k, shape=list(s)) for k, s in tf.train.list_variables(prefix)]


def write_json(path, obj):
  with open(path, "w") as f:
    json.dump(obj, f)


def write_vocab(folder):
  with open(os.path.join(folder, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab_tokens()) + "\n")


def bert_config_json(folder, name="bert_config.json", layers=2, embedding_size=None, act="gelu"):
  cfg = dict(vocab_size=VOCAB_SIZE, hidden_size=64, num_hidden_layers=layers, num_attention_heads=4,
             intermediate_size=128, hidden_act=act, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
             max_position_embeddings=64, type_vocab_size=2, initializer_range=0.02)
  if embedding_size:
    cfg["embedding_size"] = embedding_size
  write_json(os.path.join(folder, name), cfg)
  return cfg


def mlm_log_probs(logits):
  import tensorflow as tf
  return tf.nn.log_softmax(tf.convert_to_tensor(logits), axis=-1).numpy()


def truth(family, layers, hidden, heads, embedding, heads_present, naming, **extra):
  d = dict(family=family, layers=layers, hidden=hidden, heads=heads, embeddingSize=embedding, vocabSize=VOCAB_SIZE,
           headsPresent=sorted(heads_present), naming=naming)
  d.update(extra)
  return d


# ---------------------------------------------------------------- artifacts


def art_bert_v3(out):
  """BERT v3 tarball: root `encoder`, pooler as the last group, files under tmp/temp_dir/raw/."""
  import tensorflow as tf
  seed_all(1)
  raw = os.path.join(out, "tmp", "temp_dir", "raw")
  os.makedirs(raw)
  enc = bert_encoder()
  inputs, _ = seeded_inputs(VOCAB_SIZE)
  build(enc, inputs)
  randomize(enc, offset=1)
  # As tf2_bert_encoder_checkpoint_converter.convert_checkpoint does (create_v2_checkpoint with model name).
  from official.nlp.tools import tf1_bert_checkpoint_converter_lib as conv  # noqa: F401 (the converter module)
  prefix = tf.train.Checkpoint(encoder=enc).write(os.path.join(raw, "bert_model.ckpt"))
  bert_config_json(raw)
  write_vocab(raw)
  o = encoder_outputs(enc, inputs)
  return dict(checkpoint=prefix, truth=truth("bert", 2, 64, 4, 64, [], "tf2-encoder"), inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"])))


def art_bert_v3_uncased(out):
  """BERT-base uncased v3: `_attention_output_dense` in the block, no pooler group, the pooler at
  `next_sentence.pooler_dense` (what export_tfhub_lib's copy_pooler_dense_to_encoder restores from).
  The Model Garden no longer has the block class that named the projection `_attention_output_dense`,
  so the object graph is assembled from the encoder's own Keras layers under those attribute names."""
  import tensorflow as tf
  seed_all(2)
  raw = os.path.join(out, "tmp", "temp_dir", "raw")
  os.makedirs(raw)
  enc = bert_encoder()
  inputs, _ = seeded_inputs(VOCAB_SIZE)
  build(enc, inputs)
  randomize(enc, offset=2)

  class Block(tf.Module):
    pass

  groups = []
  emb = enc._embedding_layer  # word
  groups.append(emb)
  groups.append(enc._position_embedding_layer)
  groups.append(enc._type_embedding_layer)
  groups.append(enc._embedding_norm_layer)
  for layer in enc.transformer_layers:
    b = Block()
    b._attention_layer = tf.Module()
    att = layer._attention_layer
    b._attention_layer._query_dense = att._query_dense
    b._attention_layer._key_dense = att._key_dense
    b._attention_layer._value_dense = att._value_dense
    b._attention_output_dense = att._output_dense
    b._attention_layer_norm = layer._attention_layer_norm
    b._intermediate_dense = layer._intermediate_dense
    b._output_dense = layer._output_dense
    b._output_layer_norm = layer._output_layer_norm
    groups.append(b)
  root = tf.Module()
  for i, g in enumerate(groups):
    setattr(root, "layer_with_weights-%d" % i, g)
  prefix = tf.train.Checkpoint(encoder=root, **{"next_sentence.pooler_dense": enc.pooler_layer}).write(
      os.path.join(raw, "bert_model.ckpt"))
  # The proof that this is the layout the Model Garden reads: restore it into a fresh encoder the way
  # export_tfhub_lib does (encoder + copy_pooler_dense_to_encoder), and compare outputs.
  seed_all(3)
  fresh = bert_encoder()
  build(fresh, inputs)
  pooler_ckpt = tf.train.Checkpoint(**{"next_sentence.pooler_dense": fresh.pooler_layer})
  pooler_ckpt.read(prefix).assert_existing_objects_matched()
  bert_config_json(raw)
  write_vocab(raw)
  o = encoder_outputs(enc, inputs)
  import numpy as np
  assert np.allclose(fresh.pooler_layer.kernel.numpy(), enc.pooler_layer.kernel.numpy())
  return dict(checkpoint=prefix, truth=truth("bert", 2, 64, 4, 64, [], "tf2-encoder"), inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"])))


def art_albert(out, with_config):
  """ALBERT TF2 checkpoint as tf2_albert_encoder_checkpoint_converter writes it (root `encoder`)."""
  import tensorflow as tf
  seed_all(4)
  folder = out
  enc = albert_encoder()
  inputs, _ = seeded_inputs(VOCAB_SIZE)
  build(enc, inputs)
  randomize(enc, offset=4)
  prefix = tf.train.Checkpoint(encoder=enc).write(os.path.join(folder, "bert_model.ckpt"))
  if with_config:
    cfg = bert_config_json(folder, "albert_config.json", layers=3, embedding_size=16)
    cfg.update(num_hidden_groups=1, inner_group_num=1)
    write_json(os.path.join(folder, "albert_config.json"), cfg)
  o = encoder_outputs(enc, inputs)
  return dict(checkpoint=prefix,
              truth=truth("albert", 3, 64, 4, 16, [], "tf2-encoder", sharedLayers=True, configBeside=with_config),
              inputs=inputs, outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"])))


def pretrainer_for(encoder, act="gelu"):
  import tf_keras
  from official.modeling import tf_utils
  from official.nlp.modeling import models
  return models.BertPretrainerV2(encoder_network=encoder, mlm_activation=tf_utils.get_activation(act),
                                 mlm_initializer=tf_keras.initializers.TruncatedNormal(stddev=0.02))


def export_hub(out, encoder, *, with_mlm, offset, vocab=True, family="bert", layers=2, embedding=64,
               encoder_config=None, bert_cfg=None, tag="hub"):
  """Runs the Model Garden's TF-Hub export (export_tfhub_lib.export_model) on a checkpoint of `encoder`."""
  import tensorflow as tf
  from official.nlp.tools import export_tfhub_lib
  inputs, positions = seeded_inputs(VOCAB_SIZE)
  work = os.path.join(out, "..", "_work_" + os.path.basename(out))
  shutil.rmtree(work, ignore_errors=True)
  os.makedirs(work)
  if with_mlm:
    model = pretrainer_for(encoder)
    model(dict(inputs, masked_lm_positions=positions))
    randomize(model, offset=offset)
    ckpt = tf.train.Checkpoint(**model.checkpoint_items).save(os.path.join(work, "ckpt"))
  else:
    build(encoder, inputs)
    randomize(encoder, offset=offset)
    ckpt = tf.train.Checkpoint(encoder=encoder).save(os.path.join(work, "ckpt"))
  write_vocab(work)
  vocab_file = os.path.join(work, "vocab.txt")
  original = export_tfhub_lib.encoders.build_encoder
  if encoder_config is None and bert_cfg is None:
    # A custom encoder (EncoderScaffold): hand it to the export's model builder.
    export_tfhub_lib.encoders.build_encoder = lambda _cfg: encoder_clone(encoder)
    # export_model reads only `.get().hidden_activation` of the config when the encoder is built for it.
    from types import SimpleNamespace
    encoder_config = SimpleNamespace(get=lambda: SimpleNamespace(hidden_activation="gelu"))
  try:
    kwargs = dict(model_checkpoint_path=ckpt, with_mlm=with_mlm)
    if bert_cfg is not None:
      kwargs["bert_config"] = bert_cfg
    else:
      kwargs["encoder_config"] = encoder_config
    if vocab:
      kwargs.update(vocab_file=vocab_file, do_lower_case=True)
    else:
      kwargs.update(sp_model_file=vocab_file)
    export_tfhub_lib.export_model(out, **kwargs)
  finally:
    export_tfhub_lib.encoders.build_encoder = original
  shutil.rmtree(work, ignore_errors=True)
  loaded = tf.saved_model.load(out)
  enc_out = loaded(dict((k, tf.constant(v)) for k, v in inputs.items()))
  outputs = dict(sequence=tolist(enc_out["sequence_output"]), pooled=tolist(enc_out["pooled_output"]))
  heads = []
  if with_mlm:
    mlm = loaded.mlm(dict(dict((k, tf.constant(v)) for k, v in inputs.items()),
                          masked_lm_positions=tf.constant(positions)))
    outputs["mlmLogProbs"] = tolist(mlm_log_probs(mlm["mlm_logits"]))
    outputs["mlmPositions"] = positions.tolist()
    heads = ["maskedLm"]
  return dict(checkpoint=os.path.join(out, "variables", "variables"),
              truth=truth(family, layers, 64, 4, embedding, heads, "keras-names", savedModel=True), inputs=inputs,
              outputs=outputs)


_CLONES = {}


def encoder_clone(encoder):
  return _CLONES[id(encoder)]()


def legacy_bert_config(layers=2, act="gelu"):
  from official.legacy.bert import configs
  return configs.BertConfig(vocab_size=VOCAB_SIZE, hidden_size=64, num_hidden_layers=layers, num_attention_heads=4,
                            intermediate_size=128, hidden_act=act, hidden_dropout_prob=0.0,
                            attention_probs_dropout_prob=0.0, max_position_embeddings=64, type_vocab_size=2)


def art_hub_bert_mlm(out):
  seed_all(5)
  from official.nlp.tools import export_tfhub_lib
  enc = export_tfhub_lib.get_bert_encoder(legacy_bert_config())
  return export_hub(out, enc, with_mlm=True, offset=5, bert_cfg=legacy_bert_config())


def art_hub_lambert(out):
  """LAMBERT on TF-Hub is a BERT encoder trained with LAMB: the same export, another size (3 layers)."""
  seed_all(6)
  from official.nlp.tools import export_tfhub_lib
  enc = export_tfhub_lib.get_bert_encoder(legacy_bert_config(layers=3))
  return export_hub(out, enc, with_mlm=True, offset=6, bert_cfg=legacy_bert_config(layers=3), layers=3)


def art_hub_electra(out):
  """ELECTRA on TF-Hub: a BertEncoder export without `mlm`."""
  seed_all(7)
  from official.nlp.tools import export_tfhub_lib
  enc = export_tfhub_lib.get_bert_encoder(legacy_bert_config())
  return export_hub(out, enc, with_mlm=False, offset=7, bert_cfg=legacy_bert_config(), family="bert")


def albert_encoder_config():
  from official.nlp.configs import encoders
  return encoders.EncoderConfig(type="albert", albert=encoders.AlbertEncoderConfig(
      vocab_size=VOCAB_SIZE, embedding_width=16, hidden_size=64, num_layers=3, num_attention_heads=4,
      intermediate_size=128, hidden_activation="gelu", dropout_rate=0.0, attention_dropout_rate=0.0,
      max_position_embeddings=64, type_vocab_size=2))


def art_hub_albert_mlm(out):
  seed_all(8)
  from official.nlp.configs import encoders
  cfg = albert_encoder_config()
  enc = encoders.build_encoder(cfg)
  r = export_hub(out, enc, with_mlm=True, offset=8, vocab=False, encoder_config=cfg, family="albert", layers=3,
                 embedding=16)
  r["truth"]["sharedLayers"] = True
  return r


def art_hub_talking_heads(out):
  seed_all(9)
  enc = talking_heads_encoder()
  _CLONES[id(enc)] = lambda: enc
  r = export_hub(out, enc, with_mlm=True, offset=9)
  r["truth"]["attention"] = "talking-heads"
  r["truth"]["feedforward"] = "gated"
  return r


def trainer_checkpoint(folder, model, step=7):
  """What base_trainer saves: Checkpoint(global_step, model, optimizer, **model.checkpoint_items), via a manager."""
  import tensorflow as tf
  import tf_keras
  global_step = tf.Variable(step, dtype=tf.int64, name="global_step")
  optimizer = tf_keras.optimizers.legacy.Adam(1e-4)
  optimizer.iterations.assign(step)
  ckpt = tf.train.Checkpoint(global_step=global_step, model=model, optimizer=optimizer,
                             **getattr(model, "checkpoint_items", {}))
  manager = tf.train.CheckpointManager(ckpt, folder, max_to_keep=1, step_counter=global_step)
  return manager.save(checkpoint_number=step)


def art_electra_pretrainer(out):
  import numpy as np
  import tensorflow as tf
  from official.modeling import tf_utils
  from official.nlp.modeling import models
  seed_all(10)
  disc = bert_encoder(dict_outputs=True)
  gen = bert_encoder(hidden_size=32, num_attention_heads=2, intermediate_size=64, num_layers=1, dict_outputs=True)
  pre = models.ElectraPretrainer(generator_network=gen, discriminator_network=disc, vocab_size=VOCAB_SIZE,
                                 num_classes=2, num_token_predictions=3, mlm_activation=tf_utils.get_activation("gelu"),
                                 disallow_correct=False)
  inputs, positions = seeded_inputs(VOCAB_SIZE)
  full = dict(input_word_ids=inputs["input_word_ids"], input_mask=inputs["input_mask"],
              input_type_ids=inputs["input_type_ids"], masked_lm_positions=positions,
              masked_lm_ids=np.take_along_axis(inputs["input_word_ids"], positions, axis=1))
  pre(full)
  randomize(pre, offset=10)
  prefix = trainer_checkpoint(out, pre)
  o = encoder_outputs(disc, inputs)
  rtd = tf.squeeze(pre.discriminator_head(pre.discriminator_projection(o["sequence_output"])), -1)
  return dict(checkpoint=prefix,
              truth=truth("electra", 2, 64, 4, 64, ["discriminator"], "tf2-model", step=7),
              inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"]),
                           rtdLogits=tolist(rtd)))


def art_bert_pretrainer(out):
  seed_all(11)
  enc = bert_encoder()
  pre = pretrainer_for(enc)
  inputs, positions = seeded_inputs(VOCAB_SIZE)
  pre(dict(inputs, masked_lm_positions=positions))
  randomize(pre, offset=11)
  prefix = trainer_checkpoint(out, pre, step=5)
  write_vocab(out)
  o = pre(dict(inputs, masked_lm_positions=positions))
  return dict(checkpoint=prefix, truth=truth("bert", 2, 64, 4, 64, ["maskedLm"], "tf2-model", step=5), inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"]),
                           mlmLogProbs=tolist(mlm_log_probs(o["mlm_logits"])), mlmPositions=positions.tolist()))


def art_classifier(out):
  import tf_keras
  from official.nlp.modeling import models
  seed_all(12)
  enc = bert_encoder()
  clf = models.BertClassifier(enc, num_classes=3, dropout_rate=0.0,
                              initializer=tf_keras.initializers.TruncatedNormal(stddev=0.02))
  inputs, _ = seeded_inputs(VOCAB_SIZE)
  clf(inputs)
  randomize(clf, offset=12)
  prefix = trainer_checkpoint(out, clf, step=3)
  write_vocab(out)
  with open(os.path.join(out, "labels.txt"), "w") as f:
    f.write("contradiction\nentailment\nneutral\n")
  o = encoder_outputs(enc, inputs)
  logits = clf(inputs)
  return dict(checkpoint=prefix,
              truth=truth("bert", 2, 64, 4, 64, ["classifier"], "tf2-model", step=3,
                          labels=["contradiction", "entailment", "neutral"]),
              inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"]),
                           classifierLogits=tolist(logits)))


def art_bert_base_layout(out):
  """BERT-base-sized (L 12, H 768, A 12, vocab 30522), real names and shapes, random weights: the loader bench."""
  import tensorflow as tf
  seed_all(13)
  raw = os.path.join(out, "tmp", "temp_dir", "raw")
  os.makedirs(raw)
  enc = bert_encoder(vocab_size=30522, hidden_size=768, num_layers=12, num_attention_heads=12,
                     intermediate_size=3072, max_sequence_length=512)
  inputs, _ = seeded_inputs(30522, n=4, seq=32)
  build(enc, inputs)
  import numpy as np
  rng = np.random.RandomState(SEED + 13)
  for v in enc.weights:
    shape = v.shape.as_list()
    base = 1.0 if v.name.endswith("gamma:0") else 0.0
    v.assign((base + rng.normal(0, 0.02, shape)).astype(np.float32))
  prefix = tf.train.Checkpoint(encoder=enc).write(os.path.join(raw, "bert_model.ckpt"))
  cfg = dict(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
             hidden_act="gelu", hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, max_position_embeddings=512,
             type_vocab_size=2, initializer_range=0.02)
  write_json(os.path.join(raw, "bert_config.json"), cfg)
  o = encoder_outputs(enc, inputs)
  t = truth("bert", 12, 768, 12, 768, [], "tf2-encoder")
  t["vocabSize"] = 30522
  return dict(checkpoint=prefix, truth=t, inputs=inputs,
              outputs=dict(sequence=tolist(o["sequence_output"]), pooled=tolist(o["pooled_output"])))


ARTIFACTS = {
    "bert_v3": art_bert_v3,
    "bert_v3_uncased": art_bert_v3_uncased,
    "albert_tf2": lambda out: art_albert(out, True),
    "albert_tf2_noconfig": lambda out: art_albert(out, False),
    "hub_bert_mlm": art_hub_bert_mlm,
    "hub_lambert": art_hub_lambert,
    "hub_albert_mlm": art_hub_albert_mlm,
    "hub_talking_heads": art_hub_talking_heads,
    "hub_electra": art_hub_electra,
    "electra_pretrainer": art_electra_pretrainer,
    "bert_pretrainer": art_bert_pretrainer,
    "classifier": art_classifier,
    "bert_base_layout": art_bert_base_layout,
}


def main():
  p = argparse.ArgumentParser()
  p.add_argument("--out", required=True)
  p.add_argument("--only", default="")
  p.add_argument("--force", action="store_true")
  args = p.parse_args()
  os.makedirs(args.out, exist_ok=True)
  names = [n for n in args.only.split(",") if n] or list(ARTIFACTS)
  import tensorflow as tf  # noqa: F401
  made = []
  for name in names:
    folder = os.path.join(args.out, name)
    stamp_file = os.path.join(folder, ".stamp")
    want = stamp_of(name)
    if not args.force and os.path.exists(stamp_file) and open(stamp_file).read() == want:
      continue
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    print("generate.py: writing %s" % name, file=sys.stderr)
    r = ARTIFACTS[name](folder)
    ckpt = r["checkpoint"]
    record = dict(
        name=name,
        checkpoint=os.path.relpath(ckpt, folder),
        variables=list_variables(ckpt),
        truth=r["truth"],
        inputs=dict((k, v.tolist()) for k, v in r["inputs"].items()),
        outputs=r["outputs"],
        tensorflow=tf.__version__,
    )
    write_json(os.path.join(folder, "oracle.json"), record)
    with open(stamp_file, "w") as f:
      f.write(want)
    made.append(name)
  print(json.dumps(dict(out=os.path.abspath(args.out), made=made, names=names)))


if __name__ == "__main__":
  main()
