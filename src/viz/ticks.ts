// Axis tick positions and labels: "nice" linear steps (1, 2, 5 × 10^k) and decades for log axes.

export function niceStep(span: number, targetCount: number): number {
  const raw = span / Math.max(1, targetCount);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Ticks covering [min, max] with a nice step; the returned range [lo, hi] is widened to whole steps. */
export function linearTicks(min: number, max: number, targetCount = 6): { lo: number; hi: number; ticks: number[] } {
  if (!(max > min)) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= d;
    max += d;
  }
  const step = niceStep(max - min, targetCount);
  const lo = Math.floor(min / step + 1e-9) * step,
    hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return { lo, hi, ticks };
}

/** Decade ticks for a log axis over [min, max] (both > 0). */
export function logTicks(min: number, max: number): { lo: number; hi: number; ticks: number[] } {
  const a = Math.floor(Math.log10(min)),
    b = Math.max(a + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) ticks.push(10 ** k);
  return { lo: 10 ** a, hi: 10 ** b, ticks };
}

/** Short label: plain decimals for moderate values, 1E-3 style otherwise. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a));
    const m = Number((v / 10 ** e).toPrecision(3));
    return `${m}E${e}`;
  }
  return String(Number(v.toPrecision(6)));
}
