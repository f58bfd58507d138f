// The kit bundle's entry: `node bench.mjs OUT [--quick] [--budget-s SECONDS] [--cases REGEX]` (see runner.ts).
// In a checkout the same runs as `npx tsx bench/gpu/main.ts OUT ...`.
import './bundle-guard.js';
import { parseKitArgs, runKit } from './runner.js';

/** The commit the kit was packed from; pack.ts defines it. */
declare const KIT_COMMIT: string | undefined;

try {
  const result = await runKit({ ...parseKitArgs(process.argv.slice(2)), commit: typeof KIT_COMMIT === 'string' ? KIT_COMMIT : undefined });
  process.exit(result.failed.length ? 1 : 0);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}
