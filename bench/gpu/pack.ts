// `npx tsx bench/gpu/pack.ts [DIR]` (default bench/gpu/kit, git-ignored): the GPU bench kit, a folder
// that runs the bench on a machine with nothing installed (no Node, no npm, no network): this
// machine's Node binary and the `webgpu` package's native module, gzipped; the bench bundled into one
// ESM file; the Vulkan loader's Debian packages; run.sh, which unpacks them and runs the bench.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What travels to the GPU machine per run, at most. */
export const KIT_LIMIT_BYTES = 64 * 2 ** 20;
/** The Vulkan loader, and the GL dispatch libraries NVIDIA's Vulkan driver (libGLX_nvidia) loads beside it. */
export const KIT_DEBS = ['libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libglx0', 'libopengl0', 'libgles2'];
const DEB_CACHE = join(ROOT, '.cache', 'gpu-kit-debs');

async function gzipTo(src: string, dest: string): Promise<void> {
  await pipeline(createReadStream(src), createGzip({ level: 6 }), createWriteStream(dest));
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** The .deb files of KIT_DEBS, downloaded once into .cache/gpu-kit-debs (with Debian's package lists fetched there if this machine has none). */
function vulkanDebs(): string[] {
  mkdirSync(DEB_CACHE, { recursive: true });
  const have = () => readdirSync(DEB_CACHE).filter((f) => f.endsWith('.deb'));
  const missing = () => KIT_DEBS.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing().length > 0) {
    let r = run('apt-get', ['download', ...missing()], DEB_CACHE);
    if (!r.ok) {
      const lists = join(DEB_CACHE, 'lists');
      mkdirSync(join(lists, 'partial'), { recursive: true });
      const own = [`-oDir::State::Lists=${lists}`, `-oDir::Cache=${join(DEB_CACHE, 'apt-cache')}`];
      const update = run('apt-get', [...own, 'update'], DEB_CACHE);
      r = update.ok ? run('apt-get', [...own, 'download', ...missing()], DEB_CACHE) : update;
    }
    if (missing().length > 0) {
      throw new Error(
        `pack: could not download the Debian packages ${missing().join(', ')} with apt-get (a Debian or Ubuntu machine is needed, or put their amd64 .deb files into ${DEB_CACHE}):\n${r.output.trim()}`,
      );
    }
  }
  return KIT_DEBS.map((p) => join(DEB_CACHE, have().find((f) => f.startsWith(`${p}_`))!));
}

function gitCommit(): string {
  const r = run('git', ['rev-parse', '--short', 'HEAD'], ROOT);
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], ROOT);
  return r.ok ? `${r.output.trim()}${dirty.ok && dirty.output.trim() ? '+changes' : ''}` : 'unknown';
}

/** Bytes of every file under `dir`, by path relative to `root`. */
function fileSizes(dir: string, root = dir): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(sizes, fileSizes(p, root));
    else sizes[relative(root, p)] = statSync(p).size;
  }
  return sizes;
}

export interface Kit {
  dir: string;
  bytes: number;
  files: Record<string, number>;
}

/** Builds the kit in `dir` (replacing an earlier kit there; refusing any other non-empty folder). */
export async function packKit(dir: string): Promise<Kit> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`pack: the kit carries this machine's Node for an x86-64 Linux GPU machine; this is ${process.platform}-${process.arch}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!existsSync(join(dir, 'kit.json'))) throw new Error(`pack: ${dir} is not empty and holds no kit (kit.json); give an empty or new folder`);
    rmSync(dir, { recursive: true });
  }
  mkdirSync(join(dir, 'debs'), { recursive: true });
  const commit = gitCommit();
  // Dawn's package is bundled too: its index.js finds dawn.node at dist/linux-x64/ beside the bundle, where run.sh unpacks it.
  await build({
    entryPoints: [join(ROOT, 'bench/gpu/main.ts')],
    outfile: join(dir, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@tensorflow/*'],
    define: { KIT_COMMIT: JSON.stringify(commit) },
    logLevel: 'error',
    // package.json says sideEffects: false (true of the library), which would drop main.ts's bundle-guard import.
    ignoreAnnotations: true,
    // CommonJS dependencies (pngjs) require Node built-ins, which an ESM bundle has no `require` for.
    banner: { js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" },
  });
  await gzipTo(process.execPath, join(dir, 'node.gz'));
  await gzipTo(join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'), join(dir, 'dawn.node.gz'));
  const debs = vulkanDebs();
  for (const d of debs) copyFileSync(d, join(dir, 'debs', basename(d)));
  copyFileSync(join(ROOT, 'bench/gpu/run.sh'), join(dir, 'run.sh'));
  chmodSync(join(dir, 'run.sh'), 0o755);
  const webgpu = JSON.parse(readFileSync(join(ROOT, 'node_modules/webgpu/package.json'), 'utf8')) as { version: string };
  const files = fileSizes(dir);
  writeFileSync(
    join(dir, 'kit.json'),
    JSON.stringify(
      { commit, packed: new Date().toISOString(), node: process.version, webgpu: webgpu.version, debs: debs.map((d) => basename(d)), files },
      null,
      2,
    ),
  );
  const bytes = Object.values(fileSizes(dir)).reduce((a, b) => a + b, 0);
  if (bytes > KIT_LIMIT_BYTES)
    throw new Error(`pack: the kit in ${dir} is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${KIT_LIMIT_BYTES / 2 ** 20} MiB a GPU run can carry`);
  return { dir, bytes, files };
}

if (process.argv[1] && import.meta.url === `file://${resolve(process.argv[1])}`) {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith('-')) {
    console.error('usage: npx tsx bench/gpu/pack.ts [DIR]   (default bench/gpu/kit)');
    process.exit(2);
  }
  try {
    const kit = await packKit(resolve(args[0] ?? join(ROOT, 'bench/gpu/kit')));
    for (const [f, n] of Object.entries(kit.files)) console.log(`${(n / 2 ** 20).toFixed(2).padStart(7)} MiB  ${f}`);
    console.log(`kit: ${kit.dir}, ${(kit.bytes / 2 ** 20).toFixed(1)} MiB; run it with: bash ${kit.dir}/run.sh OUT [--quick]`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
