import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { readSafetensorsFile } from '../../src/io/files.js';

test('round trip keeps names, shapes, values and metadata; data is 8-byte aligned', () => {
  const bytes = encodeSafetensors(
    { 'b.weight': { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, a: { shape: [1], data: Float32Array.from([-0.5]) } },
    { config: '{"x":1}' },
  );
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is((8 + headerLen) % 8, 0);
  const f = decodeSafetensors(bytes);
  assert.equal(f.tensors.get('b.weight')!.shape, [2, 3]);
  assert.equal(Array.from(f.tensors.get('b.weight')!.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(f.tensors.get('a')!.data), [-0.5]);
  assert.is(f.metadata.config, '{"x":1}');
});

test('F16 and F64 files written by other frameworks are read as float32', () => {
  const header = JSON.stringify({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] } });
  const buf = new Uint8Array(8 + header.length + 12);
  new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
  buf.set(new TextEncoder().encode(header), 8);
  const dv = new DataView(buf.buffer, 8 + header.length);
  dv.setUint16(0, 0x3c00, true); // 1.0
  dv.setUint16(2, 0xc000, true); // -2.0
  dv.setFloat64(4, 0.125, true);
  const f = decodeSafetensors(buf);
  assert.equal(Array.from(f.tensors.get('h')!.data), [1, -2]);
  assert.equal(Array.from(f.tensors.get('d')!.data), [0.125]);
});

test('truncated and corrupt files are refused with the file named', () => {
  const good = encodeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
  assert.throws(() => decodeSafetensors(good.subarray(0, 5), 'x.safetensors'), /x.safetensors: file is 5 bytes/);
  assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), 'x.safetensors'), /x.safetensors: tensor "w" data .* outside the file/);
  const bad = good.slice();
  bad[9] = 0x7b;
  bad[10] = 0x7b;
  assert.throws(() => decodeSafetensors(bad, 'y.safetensors'), /y.safetensors: header is not valid JSON/);
  assert.throws(() => decodeSafetensors(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 1]), 'z'), /header length .* exceeds the file/);
  assert.throws(() => readSafetensorsFile('/nonexistent/model.safetensors'), /nonexistent\/model.safetensors: cannot read/);
});

test('a kill during checkpoint writes leaves the previous checkpoint intact and loadable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpm-kill-'));
  const path = join(dir, 'checkpoint.safetensors');
  const script = join(dir, 'writer.mts');
  writeFileSync(
    script,
    `import { writeSafetensorsFile } from ${JSON.stringify(new URL('../../src/io/files.js', import.meta.url).pathname.replace(/\.js$/, '.ts'))};
const big = new Float32Array(4_000_000);
for (let i = 0; ; i++) { big.fill(i); writeSafetensorsFile(${JSON.stringify(path)}, new Map([['w', { shape: [big.length], data: big }]]), { step: String(i) }); if (i === 1) console.log('ready'); }`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  assert.ok(existsSync(path));
  const f = readSafetensorsFile(path);
  const step = Number(f.metadata.step);
  const w = f.tensors.get('w')!.data;
  assert.ok(step >= 1);
  assert.is(w[0], step);
  assert.is(w[w.length - 1], step, 'the whole tensor is from one write');
  assert.is(readFileSync(path).length, 8 + Number(new DataView(readFileSync(path).buffer).getBigUint64(0, true)) + 16_000_000);
});

test.run();
