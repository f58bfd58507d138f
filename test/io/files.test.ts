// File-system faults: a failed write names the path and the cause and leaves no temporary file; an
// output folder that cannot exist fails at once; eval score --out writes through the same path;
// safetensors files are validated, not only parsed.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalCommand } from '../../src/cli/eval.js';
import { getConfig } from '../../src/cpm/config.js';
import { parseCheckpoint } from '../../src/cpm/checkpoint.js';
import { appendLine, makeFolder, writeFileAtomic } from '../../src/io/files.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'cpm-files-'));

function message(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable('was accepted');
  return '';
}

test('a write that fails names the path and the cause and leaves no temporary file behind', () => {
  const dir = temp();
  const target = join(dir, 'result.json');
  mkdirSync(join(target, 'inside'), { recursive: true }); // a non-empty folder where the file should go
  assert.match(
    message(() => writeFileAtomic(target, '{}')),
    new RegExp(`^${target}: cannot write \\(`),
  );
  assert.equal(readdirSync(dir), ['result.json']);
  writeFileSync(join(dir, 'file'), 'x');
  assert.match(
    message(() => writeFileAtomic(join(dir, 'file', 'under.json'), '{}')),
    /cannot create the folder \(.*file is a file\)/,
  );
});

test('a log append on a full disk says so, naming the file', () => {
  assert.is(
    message(() => appendLine('/dev/full', '{"step":1}')),
    '/dev/full: cannot append to the log (disk full)',
  );
});

test('an output folder under /proc fails at once instead of spinning', () => {
  const started = Date.now();
  assert.match(
    message(() => makeFolder('/proc/cpm-webgpu-test/out')),
    /^\/proc\/cpm-webgpu-test\/out: cannot create the folder \/proc\/cpm-webgpu-test: this file system takes no new folders/,
  );
  assert.ok(Date.now() - started < 1000);
  const dir = join(temp(), 'a', 'b', 'c');
  makeFolder(dir);
  makeFolder(dir);
  assert.equal(readdirSync(dir), []);
});

test('eval score --out writes atomically: a write that cannot happen leaves nothing half-done', async () => {
  const shared = resolve(process.cwd(), '../shared/data/lsp');
  const out = temp();
  mkdirSync(join(out, 'LSP_6s-curve.png', 'blocker'), { recursive: true });
  const log = console.log;
  console.log = () => undefined;
  let msg = '';
  try {
    await evalCommand([
      'score',
      '--pred',
      join(shared, 'cpm_reference/predictions.json'),
      '--gt',
      join(shared, 'joints.json'),
      '--model',
      'LSP_6s',
      '--out',
      out,
    ]);
  } catch (e) {
    msg = (e as Error).message;
  } finally {
    console.log = log;
  }
  assert.match(msg, new RegExp(`${join(out, 'LSP_6s-curve.png')}: cannot write`));
  assert.equal(readdirSync(out), ['LSP_6s-curve.png']);
});

/** A safetensors file from a header written by hand (data: 16 zero bytes). */
function rawSafetensors(header: Record<string, unknown>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + 16);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

test('safetensors: overlapping data, data no tensor owns, bad shapes and non-F32 checkpoint tensors are refused by name', () => {
  const f32 = (a: number, b: number, shape = [(b - a) / 4]) => ({ dtype: 'F32', shape, data_offsets: [a, b] });
  assert.match(
    message(() => decodeSafetensors(rawSafetensors({ a: f32(0, 8), b: f32(4, 12) }), 'x.safetensors')),
    /^x\.safetensors: tensor "b" data \[4, 12\) overlaps tensor "a"/,
  );
  assert.match(
    message(() => decodeSafetensors(rawSafetensors({ a: f32(0, 4), b: f32(8, 16) }), 'x.safetensors')),
    /tensor "b" data starts at 8, leaving bytes \[4, 8\) that no tensor owns/,
  );
  assert.match(
    message(() => decodeSafetensors(rawSafetensors({ a: f32(0, 8, [-2, -1]) }), 'x.safetensors')),
    /tensor "a" has shape \[-2,-1\]/,
  );
  assert.is(decodeSafetensors(rawSafetensors({ b: f32(8, 16), a: f32(0, 8) })).tensors.size, 2, 'header order need not follow the data');
  const config = JSON.stringify(getConfig('tiny'));
  const f64 = rawSafetensors({ __metadata__: { config }, 'trunk.conv1.bias': { dtype: 'F64', shape: [2], data_offsets: [0, 16] } });
  assert.match(
    message(() => parseCheckpoint(f64, 'ck.safetensors')),
    /^ck\.safetensors: tensor "trunk\.conv1\.bias" is F64; checkpoint tensors must be F32/,
  );
});

test.run();
