import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evalCommand } from '../../src/cli/eval.js';

const shared = resolve(process.cwd(), '../shared');

test('eval score writes the curve PNG and a JSON whose table and curve agree with the paper', async () => {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => {
    lines.push(a.join(' '));
  };
  try {
    await evalCommand([
      'score',
      '--pred',
      resolve(shared, 'data/lsp/cpm_reference/predictions.json'),
      '--gt',
      resolve(shared, 'data/lsp/joints.json'),
      '--model',
      'LSP_6s',
      '--out',
      'out/test/eval/cli',
    ]);
  } finally {
    console.log = log;
  }
  assert.ok(
    lines.some((l) => /LSP_6s .*84\.32$/.test(l)),
    'printed table row with 84.32',
  );
  const json = JSON.parse(readFileSync('out/test/eval/cli/LSP_6s-curve.json', 'utf8')) as {
    table: { total: number };
    curve: { thresholds: number[]; total: number[] };
  };
  assert.is(json.table.total.toFixed(2), '84.32');
  assert.is(json.curve.total[json.curve.thresholds.indexOf(0.2)]!.toFixed(2), '84.32');
  assert.ok(readFileSync('out/test/eval/cli/LSP_6s-curve.png').subarray(1, 4).toString() === 'PNG');
});

test('unknown subcommand and missing options fail with a message', async () => {
  let msg = '';
  try {
    await evalCommand(['score', '--gt', 'x.json']);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /missing --pred/);
  try {
    await evalCommand(['frobnicate']);
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /unknown eval command/);
});

test.run();
