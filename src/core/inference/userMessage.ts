// Engine errors in user words, in one place: what the file is, what is missing, what to do. The
// panel shows `summary` and `action`, and keeps the engine's own text as `detail` (nothing is lost).
// Errors arrive from the worker as plain { name, message, code }.

export interface EngineError {
  readonly name?: string;
  readonly message: string;
  readonly code?: string;
}

export interface UserMessage {
  /** What happened, about the user's file. */
  readonly summary: string;
  /** What to do next. */
  readonly action: string;
  /** The engine's message, for a bug report. */
  readonly detail: string;
}

const CHOOSE = 'Choose Model… to pick another checkpoint (a folder, prefix or .index file).';

function base(file: string): string {
  return file.split(/[\\/]/).filter(Boolean).pop() ?? file;
}

/** Splits a CheckpointError message `<file>: <reason>[ (key "k")]` into its parts. */
function checkpointParts(message: string): { file: string; reason: string; key?: string } {
  const keyMatch = / \(key "([^"]*)"\)$/.exec(message);
  const text = keyMatch ? message.slice(0, keyMatch.index) : message;
  // Paths hold no ": " (Windows drives are "C:\\"); the reason may hold slashes.
  const at = text.indexOf(': ');
  return at > 0
    ? { file: text.slice(0, at), reason: text.slice(at + 2), key: keyMatch?.[1] }
    : { file: '', reason: text, key: keyMatch?.[1] };
}

/** How to name a file for the user: a SavedModel by its folder, else the file's own name. */
function fileName(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const savedModel =
    parts.at(-2) === 'variables' && /^variables(\.index|\.data-.*)?$/.test(parts.at(-1) ?? '');
  return savedModel && parts.length >= 3 ? `The SavedModel “${parts.at(-3)}”` : `“${base(file)}”`;
}

function checkpointMessage(error: EngineError): Omit<UserMessage, 'detail'> {
  const { file, reason, key } = checkpointParts(error.message);
  const name = file ? fileName(file) : 'The checkpoint';
  switch (error.code) {
    case 'not-found': {
      const unknownNaming = /\(naming unknown\)$/.test(reason);
      if (/attention head count/.test(reason) && !unknownNaming) {
        return {
          summary: `${name} is a TensorFlow checkpoint, but nothing says how many attention heads its encoder has (its variable names do not show it, and no config file was found beside it).`,
          action:
            'Put the model’s bert_config.json, albert_config.json or params.yaml (with num_attention_heads) in the checkpoint’s folder, then Run Again.',
        };
      }
      const missing = /^no (.+) in this checkpoint(?: \(naming ([\w-]+)\))?/.exec(reason);
      if (missing) {
        const naming = missing[2] && missing[2] !== 'unknown' ? ` (variable naming: ${missing[2]})` : '';
        return {
          summary:
            missing[2] === 'unknown'
              ? `${name} is a TensorFlow checkpoint, but not of a BERT, ALBERT or ELECTRA encoder: none of its variable names are ones the extension knows.`
              : `${name} is an encoder checkpoint${naming}, but it has no ${missing[1]}.`,
          action: `Choose the checkpoint of the pre-trained or fine-tuned encoder itself. ${CHOOSE}`,
        };
      }
      if (/no such tensor/.test(reason)) {
        return {
          summary: `${name} has no variable “${key ?? '?'}” that the model needs.`,
          action: CHOOSE,
        };
      }
      return {
        summary: file
          ? `There is no TensorFlow checkpoint at ${file}: ${reason}.`
          : `No TensorFlow checkpoint was found (${reason}).`,
        action: `The folder or file may have moved or been deleted. ${CHOOSE}`,
      };
    }
    case 'bad-magic':
      return {
        summary: `${name} is not a TensorFlow checkpoint index (a checkpoint is a .index file with .data-* shards beside it).`,
        action: CHOOSE,
      };
    case 'missing-shard':
      return {
        summary: `A data file of the checkpoint is missing: ${name} is named by the index but is not there (an interrupted copy or download?).`,
        action: 'Copy every .data-*-of-* file next to the .index file, or download the checkpoint again.',
      };
    case 'truncated':
    case 'crc-mismatch':
    case 'corrupt':
      return {
        summary: `${name} is damaged: ${reason}${key ? ` (variable “${key}”)` : ''}.`,
        action: 'Copy or download the checkpoint again.',
      };
    case 'v1-checkpoint':
      return {
        summary: `${name} is an old (V1, pre-2016) TensorFlow checkpoint, which the extension cannot read.`,
        action:
          'Convert it with TensorFlow (tf.train.Saver, write_version=V2), or choose a newer checkpoint.',
      };
    case 'unsupported-dtype':
    case 'sliced':
    case 'unknown-version':
      return {
        summary: `${name} stores a variable in a form the extension cannot read: ${reason}${key ? ` (“${key}”)` : ''}.`,
        action: CHOOSE,
      };
    default:
      return { summary: `${name} could not be read: ${reason}.`, action: CHOOSE };
  }
}

/** The user's words for an error from the inference engine (loading or running a model). */
export function userMessage(error: EngineError): UserMessage {
  const detail = error.message;
  const name = error.name ?? 'Error';
  if (name === 'CheckpointError') return { ...checkpointMessage(error), detail };
  if (
    name === 'VocabNotFoundError' ||
    name === 'TokenizerAssetError' ||
    /No vocab\.txt or SentencePiece/.test(detail)
  ) {
    return {
      summary:
        name === 'TokenizerAssetError'
          ? `The model’s vocabulary could not be used: ${checkpointParts(detail).reason} (${base(checkpointParts(detail).file)}).`
          : 'The model loaded, but its vocabulary (vocab.txt, or a SentencePiece .model for ALBERT) is not beside the checkpoint.',
      action:
        'Put the vocab.txt (or .model) of the model in the checkpoint’s folder, or run Download Tokenizer on the catalog model, then Run Again.',
      detail,
    };
  }
  if (name === 'WeightShapeError') {
    return {
      summary: `The checkpoint’s weights do not fit its configuration: ${detail}.`,
      action:
        'The config file beside the checkpoint (bert_config.json, albert_config.json, params.yaml) probably belongs to another model: replace it with the right one.',
      detail,
    };
  }
  if (name === 'InferenceInputError') {
    return {
      summary: `The text could not be given to this model: ${detail}.`,
      action: 'Select a shorter text, or one without characters outside the model’s vocabulary.',
      detail,
    };
  }
  if (
    /No TensorFlow\.js backend could start|backend ".*" (did not register|failed to initialize)/.test(detail)
  ) {
    return {
      summary: 'TensorFlow.js could not start on this machine.',
      action: 'Set modelGarden.inference.backend to “cpu” (slow, but it always works) and Run Again.',
      detail,
    };
  }
  if (/inference worker exited|engine was disposed/.test(detail)) {
    return {
      summary: 'The inference engine stopped (out of memory, or the window is closing).',
      action: 'Run Again restarts it; a smaller model or a shorter text needs less memory.',
      detail,
    };
  }
  return { summary: `Running the model failed: ${detail}`, action: CHOOSE, detail };
}
