// Whole CLI runs as a user starts them: exit 0 means finished and written (main, gradients and train
// on `tiny`, several times each, every output checked); an emptied event loop, SIGINT and SIGTERM end
// with a message and a non-zero code, the work saved.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCheckpoint } from '../../src/cpm/checkpoint-file.js';
import { EXIT_UNFINISHED } from '../../src/cli/run.js';

interface Run {
  code: number | null;
  output: string;
}

/** Runs `cpm ARGS`; with `signalWhen`, sends the child that signal once `ready()` says so (polled). */
function cpm(args: string[], script = 'src/cli/main.ts', signalWhen?: { ready: () => boolean; signal: NodeJS.Signals }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cpm ${args.join(' ')} did not end in 120 s:\n${output}`));
    }, 120_000);
    const poll =
      signalWhen &&
      setInterval(() => {
        if (!signalWhen.ready()) return;
        clearInterval(poll);
        // Twice, 20 ms apart: a terminal's Ctrl-C reaches tsx's wrapper too, which relays it once more.
        child.kill(signalWhen.signal);
        setTimeout(() => child.kill(signalWhen.signal), 20);
      }, 50);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, output });
    });
  });
}

const temp = (): string => mkdtempSync(join(tmpdir(), 'cpm-runs-'));
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const isPng = (path: string): boolean => readFileSync(path).subarray(1, 4).toString() === 'PNG';

test('a command whose work can no longer complete exits non-zero with a message, not 0', async () => {
  const r = await cpm([], 'test/cli/never-finishes.ts');
  assert.is(r.code, EXIT_UNFINISHED, r.output);
  assert.match(r.output, /cpm never-finishes: stopped before finishing/);
});

test('gradients, train and main on tiny finish and write every output, run after run', async () => {
  for (let i = 0; i < 3; i++) {
    const out = temp();
    const r = await cpm(['gradients', '--config', 'tiny', '--steps', '10', '--every', '5', '--batch', '2', '--out', out]);
    assert.is(r.code, 0, r.output);
    const json = JSON.parse(readFileSync(join(out, 'gradients.json'), 'utf8')) as { runs: { records: unknown[] }[] };
    assert.equal(
      json.runs.map((x) => x.records.length),
      [3, 3],
      `run ${i}`,
    );
    assert.ok(isPng(join(out, 'gradients.png')));
    for (const sub of ['intermediate', 'last-stage']) assert.is(lines(join(out, sub, 'train.jsonl')).length, 10);
    assert.match(r.output, /wrote .*gradients\.json/);
  }
  for (let i = 0; i < 2; i++) {
    const out = temp();
    const r = await cpm(['train', '--config', 'tiny', '--steps', '10', '--batch', '2', '--quiet', '--out', out]);
    assert.is(r.code, 0, r.output);
    assert.is(lines(join(out, 'train.jsonl')).length, 10);
    assert.is(loadCheckpoint(join(out, 'checkpoint.safetensors')).step, 10);
    assert.ok(isPng(join(out, 'loss.png')));
    assert.not.ok(existsSync(join(out, '.lock')), 'the lock is released');
  }
  for (let i = 0; i < 2; i++) {
    const out = temp();
    const r = await cpm(['main', '--config', 'tiny', '--steps', '10', '--batch', '2', '--eval', '3', '--out', out]);
    assert.is(r.code, 0, r.output);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: number; pck: Record<string, number> };
    assert.is(summary.steps, 10);
    assert.equal(Object.keys(summary.pck), ['stage1', 'stage2']);
    for (let k = 0; k < 3; k++) for (const kind of ['skeleton', 'beliefs']) assert.ok(isPng(join(out, `val${k}-${kind}.png`)));
    assert.is(loadCheckpoint(join(out, 'checkpoint.safetensors')).step, 10);
  }
});

test('SIGINT and SIGTERM during train (a repeat within a second counting once) write a checkpoint at the current step, say where, and exit 130 / 143', async () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    const out = temp();
    const log = join(out, 'train.jsonl');
    const r = await cpm(['train', '--config', 'tiny', '--steps', '100000', '--batch', '2', '--checkpoint-every', '0', '--quiet', '--out', out], undefined, {
      ready: () => existsSync(log) && lines(log).length >= 3,
      signal,
    });
    assert.is(r.code, code, r.output);
    const ck = loadCheckpoint(join(out, 'checkpoint.safetensors'));
    const last = JSON.parse(lines(log).at(-1)!) as { step: number };
    assert.is(ck.step, last.step, 'the checkpoint is of the last logged step');
    assert.ok(r.output.includes(`${signal}: training stopped at step ${ck.step}; checkpoint written to ${join(out, 'checkpoint.safetensors')}`), r.output);
    assert.not.ok(existsSync(join(out, '.lock')), 'the lock is released');
  }
});

test.run();
