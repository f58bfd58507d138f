// A static file server on localhost for the demo page (GET only, files under the project root only).
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.css': 'text/css',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.json': 'application/json', '.safetensors': 'application/octet-stream',
};

/** What the demo page loads on start when it exists (the main job's output). */
const MAIN_CHECKPOINT = 'runs/main/checkpoint.safetensors';

export function startServer(root: string, port = 0): Promise<{ url: string; server: Server }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (req.method !== 'GET' || !path.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(`not found: ${req.url}`),
    );
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => {
    const a = server.address();
    ok({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : port}`, server });
  }));
}

export async function serveCommand(argv: string[]): Promise<void> {
  const i = argv.indexOf('--port');
  const { url } = await startServer('.', i >= 0 ? Number(argv[i + 1]) : 8080);
  console.log(`demo: ${url}/demo/  (Ctrl-C to stop; WebGPU needed: Chrome/Edge, or headless Chromium with the flags in the README)`);
  console.log(existsSync(MAIN_CHECKPOINT) ? `the page loads ${MAIN_CHECKPOINT} on start` : `no ${MAIN_CHECKPOINT} yet (\`npm run main\` makes it): the page starts with random weights and says so`);
  await new Promise(() => undefined);
}
