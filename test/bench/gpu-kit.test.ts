// The GPU bench kit: pack builds it under the 64 MiB a GPU run carries, and its run.sh --quick, from
// a clean folder outside the checkout with a PATH whose `node` fails, gives the rows `npm run bench
// -- --quick` gives, on this machine's adapter, with the packed commit recorded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBench, type BenchRow } from '../../bench/run.js';
import { FULL_CONV_CASES, FULL_MEMORY_CASES } from '../../bench/cases.js';
import { KIT_LIMIT_BYTES, packKit } from '../../bench/gpu/pack.js';
import { kitPlan } from '../../bench/gpu/plan.js';
import { runKit, type KitResult } from '../../bench/gpu/runner.js';

const tmp = mkdtempSync(join(tmpdir(), 'cpm-gpu-kit-test-'));

test('run.sh --quick from a clean folder without node gives the quick bench rows', async () => {
  const kit = await packKit(join(tmp, 'kit'));
  assert.ok(kit.bytes < KIT_LIMIT_BYTES, `kit is ${kit.bytes} bytes`);
  const fakeBin = join(tmp, 'fake-bin'),
    clean = join(tmp, 'clean'),
    out = join(tmp, 'out');
  mkdirSync(fakeBin);
  mkdirSync(clean);
  writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\necho "the PATH\'s node was used" >&2\nexit 97\n');
  chmodSync(join(fakeBin, 'node'), 0o755);
  const env = { PATH: `${fakeBin}:/usr/bin:/bin`, HOME: process.env.HOME ?? tmp };
  const r = spawnSync('bash', [join(kit.dir, 'run.sh'), out, '--quick'], { cwd: clean, env, encoding: 'utf8' });
  assert.is(r.status, 0, `run.sh failed:\n${r.stdout}${r.stderr}`);
  const log = readFileSync(join(out, 'log.txt'), 'utf8');
  assert.match(log, /Vulkan drivers: \/\S+\.json/);
  assert.match(log, /adapter: .+\nmode: .+\nfeatures: .+\nlimits: storage binding \d+ MiB/);
  // The Vulkan loader is the kit's, unpacked into run.sh's temporary folder, not this machine's.
  assert.match(log, /Vulkan libraries loaded: .*\/cpm-gpu-kit\.\w+\/root\/usr\/lib\/x86_64-linux-gnu\/libvulkan\.so\.1/);
  const kitResult = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as KitResult;
  const packed = JSON.parse(readFileSync(join(kit.dir, 'kit.json'), 'utf8')) as { commit: string };
  assert.is(kitResult.machine.commit, packed.commit);
  assert.equal(kitResult.failed, []);
  assert.equal(kitResult.skipped, []);
  const reference = await runBench({ quick: true });
  assert.equal(kitResult.machine.adapter, reference.machine.adapter);
  // End-to-end names end in measurements (peak memory, first step): the rest says what ran.
  const what = (row: BenchRow) => `${row.name.replace(/ \(.*\)$/, '')} | ${row.kind} | ${row.variant ?? row.algorithm} | ${row.unit}`;
  assert.equal(kitResult.rows.map(what), reference.rows.map(what));
  for (const row of kitResult.rows) assert.ok(row.rate > 0 && Number.isFinite(row.rate), `${row.name} ${row.kind}: rate ${row.rate}`);
  assert.equal(kitResult.limits.granted, kitResult.limits.adapter, 'the device gets every limit the adapter offers');
});

test('the full plan: every batch-1 conv case at batch 1 and 16, paper at batch 1 and 16, every memory case; the quoted cases first', () => {
  const names = kitPlan({ quick: false }).map((i) => i.name);
  const convs = FULL_CONV_CASES.filter((c) => c.n === 1).flatMap((c) => [c.name, `${c.name}, batch 16`]);
  const expected = [
    ...convs,
    'paper training step and inference, batch 1',
    'paper training step and inference, batch 16',
    ...FULL_MEMORY_CASES.map((c) => c.name),
  ];
  assert.equal([...names].sort(), [...expected].sort());
  assert.equal(names.slice(0, 2), ['stage≥2 mconv2 11×11 128→128 @46, batch 16', 'conv2 9×9 128→128 @184']);
});

test('no item starts once the time budget is spent, and bench.json says which were left out', async () => {
  const out = join(tmp, 'budget');
  const r = await runKit({ out, quick: true, budgetS: 0 });
  assert.equal(r.rows, []);
  assert.equal(
    r.skipped,
    kitPlan({ quick: true }).map((i) => i.name),
  );
  assert.equal((JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as KitResult).skipped, r.skipped);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
