"""Writes TensorFlow event files with TensorFlow's own summary writers, then reads them back with
TensorFlow's summary_iterator and TensorBoard's EventAccumulator, printing JSON with every float as
the hex of its float64 bit pattern.

usage: write_events.py OUT_DIR      (writes OUT_DIR/model_dir/{train,validation}/events.out.tfevents.*)
       write_events.py --read DIR   (only reads: every event file under DIR, e.g. a real trainer's model_dir)
"""
import json
import os
import struct
import sys
import time

import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.compat.proto import summary_pb2

FLOATS = {tf.float16, tf.bfloat16, tf.float32, tf.float64}


def hexf(x):
    return struct.pack("<d", float(x)).hex()


def scalars_metadata():
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
    ).SerializeToString()


def write(out):
    train = os.path.join(out, "train")
    validation = os.path.join(out, "validation")
    rng = np.random.default_rng(15)
    # First job: steps 1..30, every float dtype, and simple_value summaries written raw.
    w = tf.summary.create_file_writer(train)
    with w.as_default():
        for step in range(1, 31):
            loss = float(rng.normal(1.0 / step, 0.01))
            tf.summary.scalar("training_loss", loss, step=step)
            tf.summary.scalar("learning_rate", np.float64(1e-4 * (1 - step / 40)), step=step)
            tf.summary.write("loss_float64", tf.constant(loss * np.pi, tf.float64), step=step,
                             metadata=scalars_metadata())
            tf.summary.write("loss_float16", tf.constant(loss, tf.float16), step=step, metadata=scalars_metadata())
            tf.summary.write("loss_bfloat16", tf.constant(loss, tf.bfloat16), step=step,
                             metadata=scalars_metadata())
            tf.summary.write("raw_tensor", tf.constant(-loss / 3, tf.float32), step=step)
            summary = tf.compat.v1.Summary(value=[tf.compat.v1.Summary.Value(tag="simple", simple_value=loss / 7)])
            tf.summary.experimental.write_raw_pb(summary.SerializeToString(), step=step)
            tf.summary.histogram("weights", rng.normal(size=16), step=step)
            tf.summary.text("note", "step %d" % step, step=step)
    w.close()
    time.sleep(1.1)  # the next file's name carries a later timestamp
    # Restart from the step-20 checkpoint: a new file whose steps go back.
    w = tf.summary.create_file_writer(train)
    with w.as_default():
        for step in range(21, 41):
            tf.summary.scalar("training_loss", float(rng.normal(0.5 / step, 0.01)), step=step)
            tf.summary.scalar("learning_rate", np.float64(1e-4 * (1 - step / 40)), step=step)
    w.close()
    w = tf.summary.create_file_writer(validation)
    with w.as_default():
        for step in (10, 20, 30, 40):
            tf.summary.scalar("cls_accuracy", float(rng.uniform()), step=step)
            tf.summary.scalar("validation_loss", float(rng.uniform()), step=step)
    w.close()


def read(root):
    files = []
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if name.startswith("events.out.tfevents."):
                files.append(os.path.join(dirpath, name))
    out = {"files": [], "runs": {}}
    for path in sorted(files):
        events = []
        for e in tf.compat.v1.train.summary_iterator(path):
            scalars = []
            for v in e.summary.value:
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    scalars.append({"tag": v.tag, "dtype": "simple", "value": hexf(v.simple_value)})
                elif kind == "tensor":
                    plugin = v.metadata.plugin_data.plugin_name
                    dtype = tf.dtypes.as_dtype(v.tensor.dtype)
                    arr = tf.make_ndarray(v.tensor)
                    if plugin in ("", "scalars") and dtype in FLOATS and arr.size == 1:
                        scalars.append({"tag": v.tag, "dtype": dtype.name, "value": hexf(arr.item())})
            events.append({"step": e.step, "wall_time": hexf(e.wall_time), "scalars": scalars})
        out["files"].append({"path": path, "events": events})
    # TensorBoard's view of each run: restarts purge the orphaned steps.
    for dirpath in sorted({os.path.dirname(f) for f in files}):
        acc = pea.EventAccumulator(dirpath, size_guidance={"tensors": 0}, purge_orphaned_data=True)
        acc.Reload()
        run = {}
        for tag in acc.Tags()["tensors"]:
            meta = acc.summary_metadata.get(tag)
            if meta is None or meta.plugin_data.plugin_name != "scalars":
                continue
            run[tag] = [[ev.step, hexf(tf.make_ndarray(ev.tensor_proto).item())] for ev in acc.Tensors(tag)]
        out["runs"][os.path.relpath(dirpath, root)] = run
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--read":
        root = sys.argv[2]
    else:
        root = os.path.join(sys.argv[1], "model_dir")
        write(root)
    print(json.dumps(read(root)))
