// File-system faults: a failed write names the path and the cause and leaves no temporary file; an
// output folder that cannot exist fails at once; eval score --out writes through the same path.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evalCommand } from '../../src/cli/eval.js';
import { makeFolder, writeFileAtomic } from '../../src/io/files.js';

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
  assert.match(message(() => writeFileAtomic(target, '{}')), new RegExp(`^${target}: cannot write \\(`));
  assert.equal(readdirSync(dir), ['result.json']);
  writeFileSync(join(dir, 'file'), 'x');
  assert.match(message(() => writeFileAtomic(join(dir, 'file', 'under.json'), '{}')), /cannot create the folder \(.*file is a file\)/);
});

test('an output folder under /proc fails at once instead of spinning', () => {
  const started = Date.now();
  assert.match(message(() => makeFolder('/proc/cpm-webgpu-test/out')), /^\/proc\/cpm-webgpu-test\/out: cannot create the folder \/proc\/cpm-webgpu-test: this file system takes no new folders/);
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
    await evalCommand(['score', '--pred', join(shared, 'cpm_reference/predictions.json'), '--gt', join(shared, 'joints.json'), '--model', 'LSP_6s', '--out', out]);
  } catch (e) { msg = (e as Error).message; } finally { console.log = log; }
  assert.match(msg, new RegExp(`${join(out, 'LSP_6s-curve.png')}: cannot write`));
  assert.equal(readdirSync(out), ['LSP_6s-curve.png']);
});

test.run();
