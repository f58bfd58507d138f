// Compiled pipelines, cached per WGSL source (the source already carries its specialisation).
import { compilationReport } from './compilation.js';
import { isSoftwareAdapter, type EngineDevice } from './device.js';
import { GPUOpError } from './errors.js';

export interface KernelSource {
  /** WGSL with every specialisation constant already substituted; the cache key. */
  code: string;
  entryPoint?: string;
}

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  /** The shader module when this call compiled it (to explain a compilation failure), else null. */
  module: GPUShaderModule | null;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly pending = new Map<string, { module: GPUShaderModule; pipeline: Promise<GPUComputePipeline> }>();
  private readonly layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** The pipeline's bind group layout, fetched once (each getBindGroupLayout call creates a new object). */
  layout(pipeline: GPUComputePipeline): GPUBindGroupLayout {
    let l = this.layouts.get(pipeline);
    if (!l) {
      l = pipeline.getBindGroupLayout(0);
      this.layouts.set(pipeline, l);
    }
    return l;
  }

  /** Synchronous creation for first use inside an op; errors are captured by the caller's error scope. */
  get(op: string, src: KernelSource): CachedPipeline {
    const hit = this.pipelines.get(src.code);
    if (hit) return { pipeline: hit, module: null };
    const module = this.device.createShaderModule({ code: src.code, label: op });
    const pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: src.entryPoint ?? 'main' }, label: op });
    this.pipelines.set(src.code, pipeline);
    this.compiled++;
    return { pipeline, module };
  }

  /**
   * Once the error scope around a fresh pipeline's first use has failed: the compiler's messages pointing at
   * the line ('' if the shader compiled). A pipeline whose shader failed leaves the cache, so a retry reports again.
   */
  async explainFailure(op: string, src: KernelSource, module: GPUShaderModule): Promise<string> {
    const report = await compilationReport(op, module, src.code);
    if (report) this.pipelines.delete(src.code);
    return report;
  }

  /** Compiles ahead of first use, in parallel, so start-up does not wait on each shader in turn. */
  async precompile(op: string, src: KernelSource): Promise<void> {
    if (this.pipelines.has(src.code)) return;
    let p = this.pending.get(src.code);
    if (!p) {
      // A module that fails to compile also fails the pipeline's promise: report it there, not as an uncaptured error.
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code: src.code, label: op });
      p = {
        module,
        pipeline: this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: src.entryPoint ?? 'main' }, label: op }),
      };
      void this.device.popErrorScope();
      this.pending.set(src.code, p);
    }
    try {
      const pipeline = await p.pipeline;
      this.pipelines.set(src.code, pipeline);
      this.compiled++;
    } catch (e) {
      const report = await compilationReport(op, p.module, src.code);
      throw new GPUOpError(op, 'pipeline', report || (e instanceof Error ? e.message : String(e)));
    } finally {
      this.pending.delete(src.code);
    }
  }
}

/** Splits a workgroup count over x/y/z when it exceeds the per-dimension limit; shaders rebuild the linear id. */
export function foldWorkgroups(count: number, maxPerDim: number): [number, number, number] {
  if (count <= maxPerDim) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxPerDim);
  if (y <= maxPerDim) return [maxPerDim, y, 1];
  const z = Math.ceil(y / maxPerDim);
  return [maxPerDim, maxPerDim, z];
}

/** WGSL for the linear workgroup index of a folded dispatch. */
export const LINEAR_WORKGROUP_ID = `fn linear_workgroup_id(wg: vec3<u32>, nwg: vec3<u32>) -> u32 { return wg.x + nwg.x * (wg.y + nwg.y * wg.z); }`;

/**
 * WGSL for q / d and q mod d through f32 (exact after one correction for q < 2^24): an integer
 * division by a uniform is a per-lane scalar loop on lavapipe.
 */
export const DIVMOD = `fn divmod(q: u32, d: u32) -> vec2<u32> {
  var t = u32(f32(q) / f32(d));
  var r = i32(q) - i32(t * d);
  if (r < 0) { t -= 1u; r += i32(d); } else if (r >= i32(d)) { t += 1u; r -= i32(d); }
  return vec2<u32>(t, u32(r));
}`;

/** Lanes per workgroup of the per-element kernels below. */
export const ELEMENT_WORKGROUP = 256;

/**
 * Elements per lane to dispatch for: 32 on software adapters, where a workgroup's start costs about
 * as much as a few thousand element copies and a lane's loop streams (an SGD step over 10 × 2M
 * parameters: 82–142 ms at 8, 36–44 ms at 32); 8 on GPUs, which want many lanes in flight.
 */
const elementsPerLane = (engine: { info: EngineDevice }): number => (isSoftwareAdapter(engine.info.adapter) ? 32 : 8);

/** Workgroups to dispatch for a perElementMain kernel over `total` elements. */
export function elementWorkgroups(engine: { info: EngineDevice }, total: number): number {
  return Math.ceil(total / (ELEMENT_WORKGROUP * elementsPerLane(engine)));
}

/**
 * A WGSL entry point that runs `body` once for each index `i` < `total` (a WGSL u32 expression; `body`
 * may `return` early), over however many workgroups are dispatched (elementWorkgroups(engine, total); folded as
 * needed): each lane takes every ELEMENT_WORKGROUP-th index of its workgroup's contiguous share
 * (neighbouring lanes stay on neighbouring elements). The share is computed from the dispatch, so the
 * loop's trip count is not a constant: lavapipe unrolls constant loops of 16–32 steps into code that
 * streams 2–3× slower than the loop.
 */
export function perElementMain(total: string | number, body: string): string {
  const bound = typeof total === 'number' ? `${total}u` : total;
  return `${LINEAR_WORKGROUP_ID}
fn element(i: u32) {
${body}
}

@compute @workgroup_size(${ELEMENT_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let span = nwg.x * nwg.y * nwg.z * ${ELEMENT_WORKGROUP}u;
  let per = (${bound} + span - 1u) / span;
  let first = linear_workgroup_id(wg, nwg) * ${ELEMENT_WORKGROUP}u * per + lid;
  for (var k = 0u; k < per; k++) {
    let i = first + k * ${ELEMENT_WORKGROUP}u;
    if (i >= ${bound}) { return; }
    element(i);
  }
}`;
}
