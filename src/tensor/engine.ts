// The engine: one device, its buffer pool and pipeline cache, the command batch being recorded,
// scopes that free intermediates, and the error plumbing that turns WebGPU errors into exceptions.
import { describeDevice, type EngineDevice } from './device.js';
import { DeviceLostError, EngineError, GPUOpError } from './errors.js';
import { foldWorkgroups, PipelineCache, type KernelSource } from './kernel.js';
import { BufferPool, type PoolStats } from './pool.js';
import { UniformArena } from './uniforms.js';

/** A storage binding: a range of a GPU buffer, named for error messages. */
export interface BufferBinding {
  buffer: GPUBuffer;
  offset?: number;
  size: number;
  name: string;
}

export interface DispatchArgs {
  op: string;
  kernel: KernelSource;
  /** Storage buffers at @binding(1), @binding(2), ... in this order. */
  bindings: BufferBinding[];
  /** Uniform block at @binding(0). */
  uniforms?: ArrayBufferView;
  /** Total workgroups (folded over y/z when needed) or an explicit grid. */
  workgroups: number | [number, number, number];
}

/** Anything a scope can free. */
export interface Disposable {
  dispose(): void;
  readonly disposed: boolean;
}

export interface MemoryStats extends PoolStats {
  /** Tensor handles alive (not disposed). */
  liveTensors: number;
  /** Bytes of buffers held by live tensors (the pool's sizes, so they add up with pooledBytes). */
  liveBytes: number;
  liveBuffers: number;
  pipelines: number;
}

/** Submit after this many dispatches so the GPU starts while the CPU records the rest. */
const DISPATCHES_PER_SUBMIT = 48;
/** WebGPU caps a query set at 4096 queries: two per timed pass. */
const MAX_TIMED_PASSES = 2048;

export class Engine {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  private readonly uniforms: UniformArena;
  private encoder: GPUCommandEncoder | null = null;
  private batchOps: string[] = [];
  private readonly checks: Promise<void>[] = [];
  /** Errors found, in order; a promise while the compiler's messages for one are fetched. */
  private readonly errors: Promise<Error>[] = [];
  private lostInfo: GPUDeviceLostInfo | null = null;
  private readonly scopes: Set<Disposable>[] = [];
  private readonly stagingForRead = new Map<number, GPUBuffer[]>();
  /** While set, every compute pass writes begin/end timestamps here (see beginGpuTiming). */
  private timing: { set: GPUQuerySet; used: number; capacity: number; ops: string[] } | null = null;
  /** Per-op GPU nanoseconds of the last endGpuTiming, summed by op name. */
  lastGpuTimingByOp = new Map<string, { ns: number; passes: number }>();
  /** Work to do once the current batch is submitted (e.g. destroying upload staging buffers). */
  private afterSubmit: (() => void)[] = [];
  /** Counters the tensor module updates; see memory(). */
  readonly live = { tensors: 0, bytes: 0, buffers: 0 };
  /** False inside noGrad(): ops record nothing for backward. */
  gradEnabled = true;
  dispatches = 0;
  submits = 0;

  constructor(readonly info: EngineDevice) {
    this.device = info.device;
    this.pool = new BufferPool(this.device);
    this.pipelines = new PipelineCache(this.device);
    this.uniforms = new UniformArena(this.device);
    this.device.addEventListener('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.errors.push(Promise.resolve(new GPUOpError(this.batchOps.at(-1) ?? 'engine', errorKind(e), e.message)));
    });
    void this.device.lost.then((info) => {
      this.lostInfo = info;
    });
  }

  describe(): string {
    return describeDevice(this.info);
  }

  get limits() {
    return this.info.limits;
  }

  /** Throws if the device is gone, naming the op that tried to use it. */
  assertAlive(op: string): void {
    if (this.lostInfo) throw new DeviceLostError(op, this.lostInfo.reason, this.lostInfo.message);
  }

  /** Rejects a binding WebGPU would refuse (a peer library silently returned wrong numbers here). */
  checkBinding(op: string, b: BufferBinding): void {
    const max = this.info.limits.maxStorageBufferBindingSize;
    if (b.size > max) {
      throw new EngineError(
        op,
        `binding "${b.name}" is ${(b.size / 2 ** 20).toFixed(1)} MiB, over this device's maxStorageBufferBindingSize of ` +
          `${(max / 2 ** 20).toFixed(1)} MiB; split the work (e.g. a smaller batch per dispatch)`,
      );
    }
  }

  private commandEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'batch' });
    return this.encoder;
  }

  /** Records one compute dispatch; nothing waits and nothing is read back. */
  dispatch(a: DispatchArgs): void {
    this.assertAlive(a.op);
    for (const b of a.bindings) this.checkBinding(a.op, b);
    const grid = typeof a.workgroups === 'number' ? foldWorkgroups(a.workgroups, this.info.limits.maxComputeWorkgroupsPerDimension) : a.workgroups;
    const max = this.info.limits.maxComputeWorkgroupsPerDimension;
    if (grid.some((g) => g > max)) throw new EngineError(a.op, `dispatch of ${grid.join('x')} workgroups exceeds ${max} per dimension`);
    if (grid.some((g) => g === 0)) return;

    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const { pipeline, module } = this.pipelines.get(a.op, a.kernel);
    const entries: GPUBindGroupEntry[] = a.bindings.map((b, i) => ({
      binding: i + 1,
      resource: { buffer: b.buffer, offset: b.offset ?? 0, size: alignedBindingSize(b.size) },
    }));
    if (a.uniforms) {
      const slot = this.uniforms.alloc(a.uniforms);
      entries.push({ binding: 0, resource: { buffer: slot.buffer, offset: slot.offset, size: slot.size } });
    }
    const bindGroup = this.device.createBindGroup({ layout: this.pipelines.layout(pipeline), entries, label: a.op });
    const pass = this.commandEncoder().beginComputePass({ label: a.op, timestampWrites: this.nextTimestampWrites(a.op) });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    pass.end();
    // A shader that fails to compile fails the validation scope (popped first); the compiler then says where.
    this.watch(a.op, this.device.popErrorScope(), module ? () => this.pipelines.explainFailure(a.op, a.kernel, module) : undefined);
    this.watch(a.op, this.device.popErrorScope());
    this.batchOps.push(a.op);
    this.dispatches++;
    if (this.batchOps.length >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  private nextTimestampWrites(op: string): GPUComputePassTimestampWrites | undefined {
    const t = this.timing;
    if (!t || t.used >= t.capacity) return undefined;
    const i = t.used++;
    t.ops.push(op);
    return { querySet: t.set, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Runs `work` in a scope and waits for it: wall milliseconds, and GPU milliseconds from timestamps (null without the feature). */
  async timeCall(work: () => void): Promise<{ wallMs: number; gpuMs: number | null }> {
    const timed = this.beginGpuTiming();
    const t0 = performance.now();
    this.tidy(work);
    await this.sync();
    const wallMs = performance.now() - t0;
    const ns = timed ? await this.endGpuTiming() : null;
    return { wallMs, gpuMs: ns === null ? null : ns / 1e6 };
  }

  /** Starts measuring GPU time of the next `capacity` dispatches (needs the timestamp-query feature). */
  beginGpuTiming(capacity = 2048): boolean {
    if (!this.info.features['timestamp-query']) return false;
    this.flush();
    this.timing?.set.destroy();
    capacity = Math.min(capacity, MAX_TIMED_PASSES);
    this.timing = { set: this.device.createQuerySet({ type: 'timestamp', count: 2 * capacity }), used: 0, capacity, ops: [] };
    return true;
  }

  /** GPU nanoseconds spent inside the passes recorded since beginGpuTiming (null without the feature); per op in lastGpuTimingByOp. */
  async endGpuTiming(): Promise<number | null> {
    const t = this.timing;
    if (!t) return null;
    this.timing = null;
    if (t.used === 0) return 0;
    const bytes = 16 * t.used;
    const resolve = this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.commandEncoder().resolveQuerySet(t.set, 0, 2 * t.used, resolve, 0);
    const data = await this.read('gpu timing', { buffer: resolve, size: bytes, name: 'timestamps' });
    const ts = new BigInt64Array(data);
    let ns = 0;
    const byOp = new Map<string, { ns: number; passes: number }>();
    for (let i = 0; i < t.used; i++) {
      const d = Number(ts[2 * i + 1]! - ts[2 * i]!);
      ns += d;
      const e = byOp.get(t.ops[i]!) ?? { ns: 0, passes: 0 };
      e.ns += d;
      e.passes++;
      byOp.set(t.ops[i]!, e);
    }
    this.lastGpuTimingByOp = byOp;
    resolve.destroy();
    t.set.destroy();
    return ns;
  }

  /** Records a buffer-to-buffer copy in the batch (ordered with the dispatches around it). */
  copy(op: string, src: BufferBinding, dst: BufferBinding, bytes: number): void {
    this.assertAlive(op);
    this.commandEncoder().copyBufferToBuffer(src.buffer, src.offset ?? 0, dst.buffer, dst.offset ?? 0, alignedBindingSize(bytes));
    this.batchOps.push(op);
  }

  /** Uploads data in the batch's order: a mapped staging buffer and a recorded copy, so a reused buffer is never overwritten early. */
  upload(op: string, data: ArrayBufferView, dst: BufferBinding): void {
    this.assertAlive(op);
    const bytes = alignedBindingSize(data.byteLength);
    if (bytes === 0) return;
    const staging = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC,
      mappedAtCreation: true,
      label: `${op} upload`,
    });
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    staging.unmap();
    this.commandEncoder().copyBufferToBuffer(staging, 0, dst.buffer, dst.offset ?? 0, bytes);
    this.batchOps.push(op);
    this.afterSubmit.push(() => staging.destroy());
  }

  /** Submits what has been recorded. */
  flush(): void {
    if (!this.encoder) return;
    const ops = this.batchOps;
    const encoder = this.encoder;
    this.encoder = null;
    this.batchOps = [];
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.uniforms.upload(this.device.queue);
    this.device.queue.submit([encoder.finish()]);
    const label = ops.length === 1 ? ops[0]! : `batch of ${ops.length} ops [${summarizeOps(ops)}]`;
    this.watch(label, this.device.popErrorScope());
    this.watch(label, this.device.popErrorScope());
    this.submits++;
    for (const f of this.afterSubmit) f();
    this.afterSubmit = [];
    if (this.pool.snapshot().pooledBytes > this.pool.maxPooledBytes) this.pool.trim();
  }

  /** Records the scope's error, if any, as a GPUOpError; `explain` may give a better detail than WebGPU's message ('' to keep it). */
  private watch(op: string, scope: Promise<GPUError | null>, explain?: () => Promise<string>): void {
    this.checks.push(
      scope.then(
        (err) => {
          if (!err) return;
          const detail = explain ? explain().then((text) => text || err.message) : Promise.resolve(err.message);
          this.errors.push(detail.then((d) => new GPUOpError(labelFromMessage(err.message) ?? op, errorKind(err), d)));
        },
        () => undefined,
      ),
    );
  }

  /** Waits for every recorded error check and throws the first error found (then forgets them). */
  async checkErrors(): Promise<void> {
    while (this.checks.length > 0) await Promise.all(this.checks.splice(0));
    this.assertAlive('sync');
    const first = this.errors[0];
    this.errors.length = 0;
    if (first) throw await first;
  }

  /** Submits, waits until the GPU is done, and surfaces any error. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
  }

  /** Copies a range of a GPU buffer back to the CPU. */
  async read(op: string, src: BufferBinding): Promise<ArrayBuffer> {
    this.assertAlive(op);
    const bytes = alignedBindingSize(src.size);
    const list = this.stagingForRead.get(bytes) ?? [];
    this.stagingForRead.set(bytes, list);
    const staging = list.pop() ?? this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `${op} readback` });
    this.commandEncoder().copyBufferToBuffer(src.buffer, src.offset ?? 0, staging, 0, bytes);
    this.batchOps.push(op);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.assertAlive(op);
      await this.checkErrors();
      throw new GPUOpError(op, 'map', e instanceof Error ? e.message : String(e));
    }
    const out = staging.getMappedRange().slice(0, src.size);
    staging.unmap();
    list.push(staging);
    await this.checkErrors();
    return out;
  }

  // ---- scopes --------------------------------------------------------------------------------

  /** Registers a new tensor with the innermost scope, which frees it on exit unless returned. */
  track(t: Disposable): void {
    this.scopes.at(-1)?.add(t);
  }

  untrack(t: Disposable): void {
    this.scopes.at(-1)?.delete(t);
  }

  /** Runs fn; every tensor created inside is disposed on exit except those in its result. */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Disposable>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.scopes.pop();
    }
    if (result instanceof Promise) throw new EngineError('tidy', 'the function returned a Promise; tidy() is synchronous (await outside it)');
    const kept = new Set<Disposable>();
    collectDisposables(result, kept);
    const parent = this.scopes.at(-1);
    for (const t of scope) {
      if (kept.has(t)) parent?.add(t);
      else if (!t.disposed) t.dispose();
    }
    return result;
  }

  memory(): MemoryStats {
    return {
      ...this.pool.snapshot(),
      liveTensors: this.live.tensors,
      liveBytes: this.live.bytes,
      liveBuffers: this.live.buffers,
      pipelines: this.pipelines.size,
    };
  }

  /** Ends the device; later ops throw DeviceLostError. */
  destroy(): void {
    this.device.destroy();
  }
}

function collectDisposables(value: unknown, out: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ('dispose' in value && 'disposed' in value) {
    out.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectDisposables(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectDisposables(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collectDisposables(v, out, depth + 1);
}

/** Storage bindings and copies must be multiples of 4 bytes. */
function alignedBindingSize(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

function errorKind(e: GPUError): string {
  const name = e.constructor?.name ?? '';
  if (name.includes('Validation')) return 'validation';
  if (name.includes('OutOfMemory')) return 'out-of-memory';
  if (name.includes('Internal')) return 'internal';
  return 'device';
}

/** Dawn names the labelled object in its messages, e.g. [ComputePassEncoder "conv2d"]: that is our op. */
function labelFromMessage(message: string): string | undefined {
  const m = /\[(?:ComputePassEncoder|ComputePipeline|ShaderModule|BindGroup) "([^"]+)"\]/.exec(message);
  return m?.[1];
}

function summarizeOps(ops: string[]): string {
  const uniq = [...new Set(ops)];
  return uniq.length > 8 ? `${uniq.slice(0, 8).join(', ')}, ...` : uniq.join(', ');
}
