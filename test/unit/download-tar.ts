// Hand-written ustar archives for extraction tests: the `tar` package refuses to create the
// hostile entries (`../x`, absolute paths, outward links) these tests need.
import * as zlib from 'node:zlib';

export interface TarEntrySpec {
  readonly name: string;
  readonly type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo';
  readonly data?: string | Buffer;
  readonly linkname?: string;
  /** Permission bits (default 0o755 for folders, 0o644 otherwise), set-id and sticky bits included. */
  readonly mode?: number;
}

const TYPE_FLAGS = { file: '0', hardlink: '1', symlink: '2', dir: '5', fifo: '6' } as const;

function header(spec: TarEntrySpec, size: number): Buffer {
  const block = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number) => {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
    bytes.copy(block, offset);
  };
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0';
  const type = spec.type ?? 'file';
  put(spec.name, 0, 100);
  put(octal(spec.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(1_700_000_000, 12), 136, 12);
  put('        ', 148, 8);
  put(TYPE_FLAGS[type], 156, 1);
  put(spec.linkname ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

/** A .tar.gz holding `entries` in order. */
export function tarGz(entries: readonly TarEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const spec of entries) {
    const data =
      spec.type === undefined || spec.type === 'file' ? Buffer.from(spec.data ?? '') : Buffer.alloc(0);
    parts.push(header(spec, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts));
}
