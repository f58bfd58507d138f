// A pool of worker threads that make batches. Works under tsx (TypeScript sources) and from
// compiled JavaScript: the worker file has the same extension as this module.
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchResult, SampleConfig } from '../batch.js';
import type { DatasetSpec } from '../dataset.js';
import { DataError } from '../errors.js';
import type { BatchProducer } from '../loader.js';

export interface WorkerReply {
  k: number;
  result?: BatchResult;
  error?: { message: string; source?: string; stack?: string };
}

// Under tsx the worker is TypeScript: a tiny CommonJS bootstrap registers tsx's loader in the
// worker thread, then imports the entry (Node 20 does not apply --import hooks to workers).
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); })
  .catch((e) => { setImmediate(() => { throw e; }); });
`;

function startWorker(workerData: Record<string, unknown>): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker.${isTs ? 'ts' : 'js'}`, import.meta.url);
  if (!isTs) return new Worker(entry, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...workerData, entry: entry.href, tsxApi } });
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export function workerProducer(spec: DatasetSpec, cfg: SampleConfig, count: number): BatchProducer {
  const waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void; slot: Slot }>();
  const queue: BatchJob[] = [];
  const slots: Slot[] = [];
  let failure: Error | null = null;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.busy = true;
      slot.worker.ref(); // keep the process alive while a batch is owed
      waiting.get(job.k)!.slot = slot;
      slot.worker.postMessage(job);
    }
  };

  for (let i = 0; i < count; i++) {
    const worker = startWorker({ spec, cfg });
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: WorkerReply) => {
      const w = waiting.get(m.k);
      waiting.delete(m.k);
      slot.busy = false;
      slot.worker.unref(); // idle workers must not keep the process alive
      if (w) {
        if (m.result) w.resolve(m.result);
        else
          w.reject(
            m.error?.source !== undefined
              ? new DataError(m.error.source, m.error.message.replace(`${m.error.source}: `, ''))
              : new Error(m.error?.message ?? 'worker failed'),
          );
      }
      dispatch();
    });
    worker.on('error', (e) => {
      failure = new Error(`data worker ${i} crashed: ${e.message}`);
      for (const [k, w] of waiting)
        if (w.slot === slot) {
          waiting.delete(k);
          w.reject(failure);
        }
    });
    slots.push(slot);
  }
  for (const s of slots) s.worker.unref();

  return {
    parallelism: count,
    produce(job) {
      if (failure) return Promise.reject(failure);
      return new Promise<BatchResult>((resolve, reject) => {
        waiting.set(job.k, { resolve, reject, slot: slots[0]! });
        queue.push(job);
        dispatch();
      });
    },
    async close() {
      // A terminating worker does not hold the event loop (ref() or not): without this timer Node
      // ended the process, exit code 0, before terminate() resolved, with the caller's work undone.
      const hold = setInterval(() => undefined, 60_000);
      try {
        await Promise.all(slots.map((s) => s.worker.terminate()));
      } finally {
        clearInterval(hold);
      }
    },
  };
}
