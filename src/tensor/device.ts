// Acquires a WebGPU device with the adapter's real limits, the same way in Node and in browsers.
import { NO_ADAPTER_HELP } from './errors.js';

export interface DeviceOptions {
  /** Substring of the adapter's description/vendor/architecture, or 'lavapipe' / 'swiftshader' (Node picks the driver). */
  adapter?: string;
  powerPreference?: GPUPowerPreference;
  /** Ask for a compatibility-mode adapter (the browser path over ANGLE is one). Default: core, falling back to compatibility. */
  featureLevel?: 'core' | 'compatibility';
  /** Leave optional features off even where the adapter has them (e.g. to test the portable path). */
  disableFeatures?: OptionalFeature[];
}

export type OptionalFeature = 'timestamp-query' | 'shader-f16' | 'subgroups';
const OPTIONAL_FEATURES: OptionalFeature[] = ['timestamp-query', 'shader-f16', 'subgroups'];

/** The limits the engine's kernels depend on: requested at the adapter's maximum, never the defaults. */
const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindGroups',
] as const;
export type EngineLimitName = (typeof REQUESTED_LIMITS)[number];
export type EngineLimits = Record<EngineLimitName, number>;

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Smallest subgroup size the adapter may use (0 where unknown); kernels that share values across 8 lanes need ≥ 8. */
  subgroupMinSize: number;
}

export interface EngineDevice {
  device: GPUDevice;
  adapter: AdapterSummary;
  /** Optional features granted on this device. */
  features: Record<OptionalFeature, boolean>;
  limits: EngineLimits;
  /** 'compatibility' on adapters that only offer WebGPU compatibility mode (e.g. ANGLE/OpenGL ES in Chromium). */
  featureLevel: 'core' | 'compatibility';
}

/** Software adapters (lavapipe, SwiftShader): CPU SIMD rows rather than a GPU, where several kernels take another shape. */
export function isSoftwareAdapter(a: AdapterSummary): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(`${a.description} ${a.vendor} ${a.architecture}`);
}

function adapterFeatureLevel(adapter: GPUAdapter): 'core' | 'compatibility' {
  const a = adapter as GPUAdapter & { featureLevel?: string; isCompatibilityMode?: boolean };
  if (a.featureLevel === 'compatibility' || a.isCompatibilityMode === true) return 'compatibility';
  // Current implementations mark full (core) adapters with this feature; compatibility-only ones lack it.
  return adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility';
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  const i = adapter.info;
  const sub = (i as GPUAdapterInfo & { subgroupMinSize?: number }).subgroupMinSize ?? 0;
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, subgroupMinSize: sub };
}

function matches(adapter: GPUAdapter, wanted: string): boolean {
  const s = adapter.info;
  const text = `${s.vendor} ${s.architecture} ${s.device} ${s.description}`.toLowerCase();
  const w = wanted.toLowerCase();
  const alias: Record<string, string> = { lavapipe: 'llvmpipe', swiftshader: 'swiftshader' };
  return text.includes(alias[w] ?? w);
}

async function pickAdapter(gpu: GPU, opts: DeviceOptions): Promise<GPUAdapter | null> {
  const levels: ('core' | 'compatibility')[] = opts.featureLevel ? [opts.featureLevel] : ['core', 'compatibility'];
  for (const featureLevel of levels) {
    const request = { powerPreference: opts.powerPreference, featureLevel } as GPURequestAdapterOptions;
    const adapter = await gpu.requestAdapter(request);
    if (adapter && (!opts.adapter || matches(adapter, opts.adapter))) return adapter;
    if (adapter && opts.adapter) {
      // The first adapter is not the one asked for: try the fallback adapter before giving up.
      const fallback = await gpu.requestAdapter({ ...request, forceFallbackAdapter: true });
      if (fallback && matches(fallback, opts.adapter)) return fallback;
      throw new Error(`No WebGPU adapter matches "${opts.adapter}"; found: ${summarize(adapter).description || summarize(adapter).vendor}`);
    }
  }
  return null;
}

/** Returns a ready device with the adapter's real limits and the optional features it has. */
export async function requestEngineDevice(gpu: GPU | undefined, opts: DeviceOptions = {}): Promise<EngineDevice> {
  if (!gpu) throw new Error(`WebGPU is not available here (navigator.gpu is undefined). ${NO_ADAPTER_HELP}`);
  const adapter = await pickAdapter(gpu, opts);
  if (!adapter) throw new Error(NO_ADAPTER_HELP);

  const wantedFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !(opts.disableFeatures ?? []).includes(f));
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const device = await adapter.requestDevice({ requiredFeatures: wantedFeatures as GPUFeatureName[], requiredLimits });
  const limits = {} as EngineLimits;
  for (const name of REQUESTED_LIMITS) limits[name] = (device.limits as unknown as Record<string, number>)[name] ?? 0;
  const features = {} as Record<OptionalFeature, boolean>;
  for (const f of OPTIONAL_FEATURES) features[f] = device.features.has(f);
  return { device, adapter: summarize(adapter), features, limits, featureLevel: adapterFeatureLevel(adapter) };
}

/** A multi-line description of the adapter, limits and features, for `--info`. */
export function describeDevice(d: EngineDevice): string {
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  const l = d.limits;
  return [
    `adapter: ${d.adapter.description || d.adapter.device} (vendor ${d.adapter.vendor || '?'}, architecture ${d.adapter.architecture || '?'})`,
    `mode: ${d.featureLevel}`,
    `features: ${Object.entries(d.features)
      .map(([k, v]) => `${k}=${v ? 'yes' : 'no'}`)
      .join(', ')}`,
    `limits: storage binding ${mib(l.maxStorageBufferBindingSize)}, buffer ${mib(l.maxBufferSize)}, workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ` +
      `invocations/workgroup ${l.maxComputeInvocationsPerWorkgroup}, workgroup size ${l.maxComputeWorkgroupSizeX}x${l.maxComputeWorkgroupSizeY}x${l.maxComputeWorkgroupSizeZ}, ` +
      `workgroups/dim ${l.maxComputeWorkgroupsPerDimension}, storage buffers/stage ${l.maxStorageBuffersPerShaderStage}`,
  ].join('\n');
}
