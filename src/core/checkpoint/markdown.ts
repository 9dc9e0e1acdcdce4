// Checkpoint reports as Markdown, for the editor ("Open Checkpoint Report", "Compare with Catalog Model…").
import type { TensorEntry } from './bundle';
import type { CheckpointDescription } from './mapping';
import type { Comparison, ParameterReport } from './report';

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

const count = (n: number) => n.toLocaleString('en-US');
const shape = (s: readonly number[]) => `[${s.join(', ')}]`;
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function checkpointReportMarkdown(
  d: CheckpointDescription,
  report: ParameterReport,
  tensors: readonly TensorEntry[],
  extra: { readonly config?: string; readonly vocab?: string; readonly numShards?: number } = {},
): string {
  const lines = [
    `# Checkpoint ${code(d.prefix)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Family | ${d.family} |`,
    `| Naming | ${d.scheme} |`,
    `| Shape | L-${d.layers} H-${d.hidden ?? '?'} A-${d.heads ?? '?'}${d.sharedLayers ? ' (shared layer)' : ''} |`,
    `| Vocabulary | ${d.vocabSize ?? '?'} |`,
    `| Step | ${d.step ?? 'unknown'} |`,
    `| Shards | ${extra.numShards ?? 1} |`,
    `| Heads | ${d.headsPresent.join(', ') || 'none'} |`,
    `| Optimizer slots | ${d.optimizerSlots.join(', ') || 'none'} |`,
    `| Config | ${extra.config ? code(extra.config) : 'none found'} |`,
    `| Vocab file | ${extra.vocab ? code(extra.vocab) : 'none found'} |`,
    '',
    '## Parameters per scope',
    '',
    '| Scope | Tensors | Parameters | Size |',
    '|---|---:|---:|---:|',
    ...report.scopes.map(
      (s) => `| ${s.scope} | ${s.tensors} | ${count(s.parameters)} | ${formatBytes(s.bytes)} |`,
    ),
    `| **Total** | **${tensors.length}** | **${count(report.totalParameters)}** | **${formatBytes(report.totalBytes)}** |`,
    '',
    `Model parameters (encoder and heads): **${count(report.modelParameters)}**; optimizer slots: ${count(report.optimizerParameters)}.`,
    '',
  ];
  const unknown = [...d.keys.values()].filter((c) => c.kind === 'other');
  if (unknown.length) {
    lines.push(
      '## Variables not recognised as encoder weights',
      '',
      ...unknown.slice(0, 200).map((c) => `- ${code(c.key)}`),
      '',
    );
  }
  return lines.join('\n');
}

export function comparisonMarkdown(prefix: string, against: string, c: Comparison): string {
  const lines = [
    `# ${code(prefix)} vs ${against}`,
    '',
    c.compatible
      ? `**Compatible**: all ${c.matched} encoder variables are present with the expected shapes.`
      : `**Not compatible**: ${c.missing.length} missing, ${c.unexpected.length} unexpected, ${c.mismatched.length} with another shape (${c.matched} match).`,
    '',
  ];
  if (c.mismatched.length) {
    lines.push(
      '## Shape mismatches',
      '',
      '| Variable | Key | Expected | In checkpoint |',
      '|---|---|---|---|',
    );
    for (const m of c.mismatched)
      lines.push(`| ${m.name} | ${code(m.key)} | ${shape(m.expected)} | ${shape(m.actual)} |`);
    lines.push('');
  }
  if (c.missing.length) {
    lines.push('## Missing from the checkpoint', '', '| Variable | Expected shape |', '|---|---|');
    for (const m of c.missing) lines.push(`| ${m.name} | ${shape(m.expected)} |`);
    lines.push('');
  }
  if (c.unexpected.length) {
    lines.push('## Not expected by the model', '', '| Variable | Key | Shape |', '|---|---|---|');
    for (const u of c.unexpected) lines.push(`| ${u.name} | ${code(u.key)} | ${shape(u.shape)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
