// Worker-thread entry: reopens the dataset from its spec and makes the batches it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { batchBuffers, makeBatch, type BatchJob, type SampleConfig } from '../batch.js';
import type { DatasetSpec } from '../dataset.js';
import { DataError } from '../errors.js';
import { openDatasetFromSpec } from './open.js';
import type { WorkerReply } from './pool.js';

const { spec, cfg } = workerData as { spec: DatasetSpec; cfg: SampleConfig };
const port = parentPort!;
let dataset: ReturnType<typeof openDatasetFromSpec> | null = null;

port.on('message', (job: BatchJob) => {
  void (async () => {
    try {
      dataset ??= openDatasetFromSpec(spec);
      const r = await makeBatch(dataset, job, cfg);
      const reply: WorkerReply = { k: job.k, result: r };
      port.postMessage(reply, batchBuffers(r.batch));
    } catch (e) {
      const err = e as Error;
      const reply: WorkerReply = {
        k: job.k,
        error: { message: err.message, source: e instanceof DataError ? e.source : undefined, stack: err.stack },
      };
      port.postMessage(reply);
    }
  })();
});
