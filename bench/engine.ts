// Engine overheads: process start → first finished dispatch, per-dispatch cost of a tiny op, small readback latency.
import { init, relu, tensor, tidy } from '../src/index.node.js';

export interface EngineOverheads {
  startToFirstDispatchMs: number;
  dispatchOverheadUs: number;
  readbackLatencyMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function measureEngineOverheads(): Promise<EngineOverheads> {
  const engine = await init();
  const x = tensor([1, -2, 3, -4], [4]);
  await relu(x).read();
  // performance.now() counts from process start.
  const startToFirstDispatchMs = performance.now();

  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 2000;
    const t0 = performance.now();
    tidy(() => {
      for (let i = 0; i < n; i++) relu(x);
    });
    await engine.sync();
    rounds.push(((performance.now() - t0) * 1000) / n);
  }

  const reads: number[] = [];
  const small = tensor(new Float32Array(16).fill(1), [16]);
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await small.read();
    reads.push(performance.now() - t0);
  }
  return { startToFirstDispatchMs, dispatchOverheadUs: median(rounds), readbackLatencyMs: median(reads) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureEngineOverheads();
  console.log(`process start → first finished dispatch: ${r.startToFirstDispatchMs.toFixed(0)} ms`);
  console.log(`per-dispatch overhead (tiny relu, recorded + executed, median of 5×2000): ${r.dispatchOverheadUs.toFixed(1)} µs`);
  console.log(`readback latency, 16 floats (median of 50): ${r.readbackLatencyMs.toFixed(3)} ms`);
  process.exit(0);
}
