// The GPU kit's bench: prints the adapter with the limits it offers and the device was granted, runs
// kitPlan's items while the time budget lasts, and rewrites OUT/bench.json after each item so that a
// run stopped from outside keeps what it measured. The kit runs it as `node bench.mjs OUT [options]`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DeviceLostError, init, type EngineLimits } from '../../src/index.node.js';
import { nodeGPU } from '../../src/tensor/gpu-node.js';
import { formatTable, machineInfo, type BenchRow } from '../run.js';
import { kitPlan } from './plan.js';

export const KIT_USAGE = 'usage: run.sh OUT [--quick] [--budget-s SECONDS] [--cases REGEX]';

export interface KitOptions {
  /** Folder that receives bench.json. */
  out: string;
  quick: boolean;
  /** No item starts after this many seconds. */
  budgetS: number;
  /** Only items whose name matches. */
  cases?: RegExp;
  /** The commit the kit was packed from (a kit has no checkout to ask). */
  commit?: string;
}

export interface KitResult {
  machine: Record<string, unknown>;
  /** The engine's limits as the adapter offers them and as the device was granted them. */
  limits: { adapter: Partial<EngineLimits>; granted: EngineLimits };
  rows: BenchRow[];
  /** Items not started because the budget was spent or the device was lost. */
  skipped: string[];
  failed: { name: string; error: string }[];
  seconds: number;
}

export function parseKitArgs(argv: string[]): Omit<KitOptions, 'commit'> {
  const [out, ...rest] = argv;
  if (!out || out.startsWith('--')) throw new Error(`no OUT folder given; ${KIT_USAGE}`);
  const o: Omit<KitOptions, 'commit'> = { out, quick: false, budgetS: 420 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value; ${KIT_USAGE}`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--budget-s') {
      const v = value();
      o.budgetS = Number(v);
      if (!(o.budgetS >= 0)) throw new Error(`--budget-s must be a number of seconds ≥ 0, got "${v}"`);
    } else if (a === '--cases') o.cases = new RegExp(value());
    else throw new Error(`unknown option "${a}"; ${KIT_USAGE}`);
  }
  return o;
}

/** This process's shared libraries whose file name matches (from /proc/self/maps): which Vulkan loader and driver Dawn opened. */
function loadedLibraries(name: RegExp): string[] {
  let maps = '';
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return []; // not Linux
  }
  return [
    ...new Set(
      maps
        .split('\n')
        .map((l) => l.slice(l.indexOf('/')))
        .filter((p) => p.startsWith('/') && name.test(basename(p))),
    ),
  ];
}

/** One row as the log shows it while the run goes on: the variant or algorithm that ran, and with autotuning each candidate's time. */
function progressLine(r: BenchRow): string {
  const gpu = r.gpuMs === null ? '–' : r.gpuMs.toFixed(2);
  const ops = Object.entries(r.gpuMsByOp ?? {})
    .slice(0, 8)
    .map(([op, ms]) => `${op} ${ms.toFixed(1)}`);
  return `${r.name} | ${r.kind} ${r.variant ?? r.algorithm ?? ''} | GPU ${gpu} ms | wall ${r.wallMs.toFixed(2)} ms | ${r.rate.toFixed(2)} ${r.unit}${r.variants ? ` | tuned: ${r.variants}` : ''}${ops.length ? ` | GPU ms by op: ${ops.join(', ')}` : ''}`;
}

export async function runKit(o: KitOptions): Promise<KitResult> {
  const started = performance.now();
  const engine = await init();
  const offered = (await nodeGPU().requestAdapter())?.limits as unknown as Record<string, number> | undefined;
  const adapter: Partial<EngineLimits> = {};
  for (const name of Object.keys(engine.limits) as (keyof EngineLimits)[]) if (offered?.[name] !== undefined) adapter[name] = offered[name];
  const vulkan = loadedLibraries(/vulkan|nvidia|GLdispatch/i);
  console.log(`${engine.describe()}\nVulkan libraries loaded: ${vulkan.join(', ') || 'none seen'}`);
  const short = (Object.keys(adapter) as (keyof EngineLimits)[]).filter((k) => adapter[k] !== engine.limits[k]);
  console.log(
    short.length
      ? `granted less than the adapter offers: ${short.map((k) => `${k} ${engine.limits[k]} < ${adapter[k]}`).join(', ')}`
      : 'granted limits: all the adapter offers',
  );

  const result: KitResult = {
    machine: { ...machineInfo(engine, o.commit), vulkanLibraries: vulkan, quick: o.quick },
    limits: { adapter, granted: { ...engine.limits } },
    rows: [],
    skipped: [],
    failed: [],
    seconds: 0,
  };
  mkdirSync(o.out, { recursive: true });
  const save = () => {
    result.seconds = (performance.now() - started) / 1000;
    writeFileSync(join(o.out, 'bench.json'), JSON.stringify(result, null, 2));
  };
  save();
  let lost = false;
  for (const item of kitPlan(o).filter((i) => !o.cases || o.cases.test(i.name))) {
    if (lost || (performance.now() - started) / 1000 > o.budgetS) {
      result.skipped.push(item.name);
      continue;
    }
    const t0 = performance.now();
    try {
      const rows = await item.run(engine);
      result.rows.push(...rows);
      for (const r of rows) console.log(progressLine(r));
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      // One case failing (out of memory, a validation error) leaves the others worth running; a lost device does not.
      lost = e instanceof DeviceLostError;
      const error = e instanceof Error ? e.message : String(e);
      result.failed.push({ name: item.name, error });
      console.log(`FAILED ${item.name}: ${error}`);
    }
    save();
  }
  save(); // the items skipped after the last one run
  console.log(`all rows:\n${formatTable(result.rows)}`);
  if (result.skipped.length) console.log(`not run (budget of ${o.budgetS} s spent${lost ? ' or device lost' : ''}): ${result.skipped.join('; ')}`);
  console.log(
    `${result.rows.length} rows, ${result.failed.length} failed, ${result.skipped.length} skipped in ${result.seconds.toFixed(0)} s; JSON: ${join(o.out, 'bench.json')}`,
  );
  return result;
}
