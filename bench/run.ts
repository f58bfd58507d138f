// `npm run bench [-- --quick] [--tfjs] [--torch] [--e2e] [--paper] [--autotune] [--cases REGEX] [--out FILE]`: kernel and
// end-to-end throughput on CPM's shapes, optionally side by side with TensorFlow.js on the same adapter
// and with PyTorch on this machine's CPU (a child process, bench/torch_bench.py).
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import {
  init,
  randn,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  conv2dChoice,
  enableConv2dAutotune,
  disableConv2dAutotune,
  setConv2dAlgorithm,
  tuneConv2d,
  backward,
  type TuneResult,
  type Engine,
  type Tensor,
} from '../src/index.node.js';
import { getConfig, layers } from '../src/cpm/config.js';
import { CpmModel } from '../src/cpm/model.js';
import { makeOptimizer } from '../src/cpm/step.js';
import { noGrad } from '../src/autograd/graph.js';
import { measure, repsFor, type Timing } from './measure.js';
import { FULL_CONV_CASES, FULL_MEMORY_CASES, QUICK_CONV_CASES, QUICK_MEMORY_CASES, type ConvBenchCase } from './cases.js';
import { loadTfjs, maxRelDiff, nchwToNhwc, nhwcIndexOfNchw, oihwToHwio, timeTf } from './tfjs.js';
import { memoryRow } from './memory-ops.js';
import { convFlop, ratePerMs, tfjsColumns, type BenchOptions, type BenchRow, type ConvShape } from './row.js';
import { runTorch, torchPython } from './torch.js';
import { custom, flag, parseCommand, text, UsageError, type Command } from '../src/cli/options.js';
import { runCli } from '../src/cli/run.js';
import { makeFolder, writeFileAtomic } from '../src/io/files.js';

export type { BenchRow, BenchOptions } from './row.js';

const KINDS = ['forward', 'dX', 'dW'] as const;

export async function convRows(engine: Engine, c: ConvBenchCase, o: BenchOptions): Promise<BenchRow[]> {
  const p = (c.k - 1) / 2;
  const x = randn([c.n, c.cin, c.size, c.size], { seed: 1 });
  const w = randn([c.cout, c.cin, c.k, c.k], { seed: 2, std: 1 / Math.sqrt(c.cin * c.k * c.k) });
  const dy = randn([c.n, c.cout, c.size, c.size], { seed: 3 });
  const flop = convFlop(c);
  const work: Record<(typeof KINDS)[number], () => Tensor> = {
    forward: () => conv2dForward(x, w, null, { padding: p }),
    dX: () => conv2dInputGrad(dy, w, x.shape, { padding: p }),
    dW: () => conv2dWeightGrad(x, dy, w.shape, { padding: p }),
  };
  const rows: BenchRow[] = [];
  const tuned: Partial<Record<(typeof KINDS)[number], TuneResult>> = {};
  if (o.autotune) {
    // Every variant on this case, the fastest per kind kept for the timed runs below.
    enableConv2dAutotune(engine);
    for (const kind of KINDS) engine.tidy(work[kind]);
    for (const r of await tuneConv2d(engine, { reps: 2 })) tuned[r.case.kind] = r;
  }
  let tfIn: { xv: Float32Array; wv: Float32Array; dyv: Float32Array } | null = null;
  if (o.tfjs) tfIn = { xv: await x.read(), wv: await w.read(), dyv: await dy.read() };
  for (const kind of KINDS) {
    const probe = await measure(engine, () => void work[kind](), 1);
    const t: Timing = await measure(engine, () => void work[kind](), o.quick ? 2 : repsFor(probe.wallMs, o.budgetMs ?? 4000, 2, 10));
    const r = tuned[kind];
    const chosen = r?.chosen ?? conv2dChoice(engine, { kind, n: c.n, cin: c.cin, h: c.size, w: c.size, cout: c.cout, kh: c.k, kw: c.k, stride: 1, padding: p });
    const row: BenchRow = {
      name: c.name,
      kind,
      algorithm: chosen.startsWith('fft') ? 'fft' : 'direct',
      variant: chosen,
      conv: { n: c.n, cin: c.cin, cout: c.cout, size: c.size, k: c.k },
      variants:
        r &&
        Object.entries(r.ms)
          .map(([v, ms]) => `${v} ${ms!.toPrecision(3)} ms`)
          .join(', '),
      wallMs: t.wallMs,
      spreadMs: [t.minMs, t.maxMs],
      gpuMs: t.gpuMs,
      rate: ratePerMs(flop, t.gpuMs, t.wallMs),
      unit: 'GFLOP/s',
    };
    if (tfIn) Object.assign(row, await tfjsConv(c, kind, tfIn, engine.tidy(work[kind]), flop, t, o));
    rows.push(row);
  }
  for (const t of [x, w, dy]) t.dispose();
  if (o.autotune) disableConv2dAutotune(engine);
  return rows;
}

/** The same convolution on TF.js (NHWC/HWIO): times it and compares its output with ours in our layout. */
async function tfjsConv(
  c: ConvBenchCase,
  kind: string,
  v: { xv: Float32Array; wv: Float32Array; dyv: Float32Array },
  ours: Tensor,
  flop: number,
  t: Timing,
  o: BenchOptions,
): Promise<Partial<BenchRow>> {
  const tf = await loadTfjs();
  const x = tf.tensor4d(nchwToNhwc(v.xv, c.n, c.cin, c.size, c.size), [c.n, c.size, c.size, c.cin]);
  const w = tf.tensor4d(oihwToHwio(v.wv, c.cout, c.cin, c.k, c.k), [c.k, c.k, c.cin, c.cout]);
  const dy = tf.tensor4d(nchwToNhwc(v.dyv, c.n, c.cout, c.size, c.size), [c.n, c.size, c.size, c.cout]);
  const engineTf = tf.engine();
  const run = () => {
    if (kind === 'forward') return tf.conv2d(x, w, 1, 'same');
    if (kind === 'dX')
      return engineTf.runKernel(
        'Conv2DBackpropInput',
        { dy, filter: w },
        { inputShape: [c.n, c.size, c.size, c.cin], strides: [1, 1], pad: 'same', dataFormat: 'NHWC' },
      ) as ReturnType<typeof tf.conv2d>;
    return engineTf.runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [c.k, c.k, c.cin, c.cout] },
    ) as ReturnType<typeof tf.conv2d>;
  };
  const tt = await timeTf(tf, run, o.quick ? 2 : 3);
  const theirs = tt.first;
  for (const t of [x, w, dy]) t.dispose();
  const mine = await ours.read();
  ours.dispose();
  // Bring TF.js's layout to ours: NHWC → NCHW for activations, HWIO → OIHW for the weight gradient.
  const at = (i: number): number => {
    if (kind !== 'dW') return theirs[nhwcIndexOfNchw(i, kind === 'forward' ? c.cout : c.cin, c.size * c.size)]!;
    const kx = i % c.k,
      ky = Math.floor(i / c.k) % c.k,
      ci = Math.floor(i / (c.k * c.k)) % c.cin,
      co = Math.floor(i / (c.k * c.k * c.cin));
    return theirs[((ky * c.k + kx) * c.cin + ci) * c.cout + co]!;
  };
  return tfjsColumns(flop, t, tt, maxRelDiff(mine, at));
}
/**
 * Training step and inference of each configuration, with the direct kernels only and then with each
 * shape's algorithm chosen (FFT where the cost model or the tuning picks it), each from an empty buffer
 * pool. Inference runs first, so that its peak memory holds no gradients or optimizer state; `firstMs` is each row's first call, which
 * compiles the pipelines it needs that no earlier row compiled (for the training step: backward and optimizer).
 */
export async function endToEndRows(engine: Engine, names: string[], batch: number, o: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of names)
    for (const algorithm of ['direct', 'chosen'] as const) {
      setConv2dAlgorithm(engine, algorithm === 'direct' ? 'direct' : undefined);
      // Each network starts from an empty buffer pool: its peak memory is its own, not earlier rows' pooled buffers.
      await engine.sync();
      engine.pool.trim(0);
      const config = getConfig(name);
      const S = config.inputSize,
        G = S / 8,
        P1 = config.joints + 1;
      const model = new CpmModel(engine, config, 0);
      const opt = makeOptimizer(model, { config });
      const image = randn([batch, 3, S, S], { seed: 1, std: 0.3 }),
        center = randn([batch, 1, S, S], { seed: 2 });
      const target = randn([batch, P1, G, G], { seed: 3 }),
        targetAll = randn([batch, P1, G, G], { seed: 4 });
      const trainStep = () => {
        const loss = engine.tidy(() => model.losses(model.forward(image, center, { training: true }), target, targetAll).total);
        backward(loss);
        loss.dispose();
        noGrad(engine, () => opt.step());
        opt.zeroGrad();
      };
      const reps = o.quick ? 1 : 3;
      const timed = async (work: () => void): Promise<{ t: Timing; peak: string; byOp: Record<string, number> }> => {
        engine.pool.resetPeak();
        const t = await measure(engine, work, reps);
        const byOp = Object.fromEntries([...engine.lastGpuTimingByOp].sort((x, y) => y[1].ns - x[1].ns).map(([op, v]) => [op, v.ns / 1e6]));
        return { t, peak: `peak GPU memory ${(engine.memory().peakAllocatedBytes / 2 ** 20).toFixed(0)} MiB`, byOp };
      };
      const infer = await timed(() => noGrad(engine, () => void model.forward(image, center, { training: false })));
      const train = await timed(trainStep);
      const net = { config: name, batch };
      const label = algorithm === 'direct' ? 'direct only' : 'algorithm per layer';
      for (const [what, first, kind, m] of [
        ['training step', 'first step', 'train', train],
        ['inference', 'first call', 'infer', infer],
      ] as const) {
        rows.push({
          name: `${name} ${what}, batch ${batch}, ${label} (${m.peak}; ${first} ${(m.t.firstMs / 1000).toFixed(1)} s)`,
          kind,
          algorithm,
          net,
          firstMs: m.t.firstMs,
          wallMs: m.t.wallMs,
          spreadMs: [m.t.minMs, m.t.maxMs],
          gpuMs: m.t.gpuMs,
          rate: (1000 * batch) / m.t.wallMs,
          unit: 'img/s',
          gpuMsByOp: m.byOp,
        });
      }
      for (const t of [image, center, target, targetAll]) t.dispose();
      opt.dispose();
      model.dispose();
    }
  setConv2dAlgorithm(engine, undefined);
  return rows;
}

/** PyTorch's rates for the same rows, measured now on this CPU. */
function addTorchColumns(rows: BenchRow[], python: string, quick: boolean): string {
  const convKey = (c: ConvShape) => `${c.n} ${c.cin} ${c.cout} ${c.size} ${c.k}`;
  const netKey = (n: NonNullable<BenchRow['net']>) => `${n.config} ${n.batch}`;
  const convs = [...new Map(rows.filter((r) => r.conv).map((r) => [convKey(r.conv!), r.conv!])).values()];
  const nets = [...new Map(rows.filter((r) => r.net).map((r) => [netKey(r.net!), r.net!])).values()];
  const res = runTorch(python, {
    reps: quick ? 2 : 3,
    convs,
    nets: nets.map((n) => {
      const c = getConfig(n.config);
      return { batch: n.batch, inputSize: c.inputSize, joints: c.joints, stages: c.stages, layers: layers(c) };
    }),
  });
  for (const r of rows) {
    if (r.conv) {
      const ms = res.convs[convs.findIndex((c) => convKey(c) === convKey(r.conv!))]?.[r.kind as 'forward' | 'dX' | 'dW'];
      if (ms !== undefined) r.torchRate = convFlop(r.conv) / ms / 1e6;
    } else if (r.net) {
      const t = res.nets[nets.findIndex((n) => netKey(n) === netKey(r.net!))];
      if (t) r.torchRate = (1000 * r.net.batch) / (r.kind === 'train' ? t.trainMs : t.inferMs);
    }
    if (r.torchRate !== undefined) r.torchRatio = r.rate / r.torchRate;
  }
  return `PyTorch ${res.torch}, ${res.threads} threads`;
}

export function formatTable(rows: BenchRow[]): string {
  const head = [
    'case',
    'kind',
    'algorithm',
    'wall ms (min–max)',
    'GPU ms',
    'rate',
    'TF.js ms',
    'TF.js GPU ms',
    'TF.js rate',
    'ours/TF.js',
    'max rel diff',
    'PyTorch CPU, this run',
    'ours/PyTorch',
  ];
  const body = rows.map((r) => [
    r.name,
    r.kind,
    r.variant ?? r.algorithm ?? '',
    `${r.wallMs.toFixed(1)} (${r.spreadMs[0].toFixed(1)}–${r.spreadMs[1].toFixed(1)})`,
    r.gpuMs === null ? '–' : r.gpuMs.toFixed(1),
    `${r.rate.toFixed(2)} ${r.unit}`,
    r.tfjsMs === undefined ? '' : r.tfjsMs.toFixed(1),
    r.tfjsGpuMs == null ? (r.tfjsMs === undefined ? '' : '–') : r.tfjsGpuMs.toFixed(1),
    r.tfjsRate === undefined ? '' : `${r.tfjsRate.toFixed(2)}`,
    r.tfjsRatio === undefined ? '' : `${r.tfjsRatio.toFixed(1)}×`,
    r.tfjsMaxRelDiff === undefined ? '' : r.tfjsMaxRelDiff.toExponential(1),
    r.torchRate === undefined ? '' : `${r.torchRate.toFixed(2)} ${r.unit}`,
    r.torchRatio === undefined ? '' : `${r.torchRatio.toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

export async function runBench(o: BenchOptions): Promise<{ machine: Record<string, unknown>; rows: BenchRow[] }> {
  const engine = await init();
  const rows: BenchRow[] = [];
  const wanted = <T extends { name: string }>(cs: T[]) => cs.filter((c) => !o.cases || o.cases.test(c.name));
  for (const c of wanted(o.quick ? QUICK_CONV_CASES : FULL_CONV_CASES)) {
    rows.push(...(await convRows(engine, c, o)));
    process.stderr.write(`.`);
  }
  for (const c of wanted(o.quick ? QUICK_MEMORY_CASES : FULL_MEMORY_CASES)) rows.push(await memoryRow(engine, c, o));
  if (o.e2e || o.quick) rows.push(...(await endToEndRows(engine, o.quick ? ['tiny'] : ['cpm-mini', 'cpm-small'], o.quick ? 2 : 16, o)));
  if (o.paper) rows.push(...(await endToEndRows(engine, ['paper'], 1, o)));
  process.stderr.write('\n');
  let torch: string | null = null;
  if (o.torch) {
    const python = torchPython();
    if (python) torch = addTorchColumns(rows, python, o.quick ?? false);
    else console.log("--torch: no python3 with torch found; install Debian's PyTorch (apt-get install python3-torch) for the PyTorch column");
  }
  return { machine: { ...machineInfo(engine), torch }, rows };
}

/** Where a result was measured: date, commit, CPUs, memory, Node, adapter, mode and features. */
export function machineInfo(engine: Engine, commit = gitCommit()): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    commit,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    adapter: engine.info.adapter,
    mode: engine.info.featureLevel,
    features: engine.info.features,
  };
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown'; // not a checkout
  }
}

/** `npm run bench`'s options: one table drives the parsing (strict: a misspelt option or a bad value is refused by name) and --help. */
export const BENCH_COMMAND = {
  name: 'bench',
  usage: 'npm run bench -- [options]',
  summary: "Kernel and end-to-end throughput on CPM's shapes, optionally beside TensorFlow.js (same adapter) and PyTorch (CPU).",
  options: {
    quick: flag('the small cases only (seconds; what CI runs)'),
    tfjs: flag('TensorFlow.js WebGPU on the same conv cases and adapter, with parity'),
    torch: flag("PyTorch on the CPU (Debian's python3-torch) on the same conv cases and CPMs"),
    e2e: flag('training steps and inference of cpm-mini and cpm-small at batch 16, direct only and per-layer choice'),
    paper: flag('the paper network at batch 1, direct only and per-layer choice'),
    autotune: flag('time every kernel variant and algorithm per conv case and keep the fastest'),
    cases: custom(caseFilter, 'only the cases whose name matches this regular expression', { metavar: 'REGEX' }),
    out: text('JSON results file (default bench/results/<quick|full>-<time>.json)', { metavar: 'FILE' }),
  },
} as const satisfies Command;

function caseFilter(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new UsageError(`${JSON.stringify(source)} is not a regular expression (${(e as Error).message})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli('bench', async () => {
    const a = parseCommand(BENCH_COMMAND, process.argv.slice(2));
    if (!a) return;
    const { out: outOption, ...o } = a.values;
    const out = outOption ?? `bench/results/${o.quick ? 'quick' : 'full'}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
    const result = await runBench(o);
    console.log(
      `adapter: ${result.machine.adapter ? JSON.stringify(result.machine.adapter) : '?'}; ${result.machine.cpus} CPUs (${result.machine.cpuModel}); commit ${result.machine.commit}`,
    );
    console.log(formatTable(result.rows));
    makeFolder(dirname(out));
    writeFileAtomic(out, JSON.stringify(result, null, 2));
    console.log(`\nJSON: ${out}`);
  });
}
