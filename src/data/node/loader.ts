// createLoader: the in-process loader, or the same batch plan made by worker threads.
import { inProcessProducer, loaderWith, sampleConfig, type Loader, type LoaderOptions } from '../loader.js';
import { DataError } from '../errors.js';
import { workerProducer } from './pool.js';

/** Batches as an async iterable. `workers: 0` (default) runs in-process; n > 0 uses n threads. */
export function createLoader(o: LoaderOptions): Loader {
  const cfg = sampleConfig(o);
  const workers = o.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new DataError('workers', `must be a non-negative integer, got ${workers}`);
  const producer = workers === 0 ? inProcessProducer(o.dataset, cfg) : workerProducer(o.dataset.spec, cfg, workers);
  return loaderWith(o, producer);
}
