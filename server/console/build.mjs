// Builds the operator console (React) into server/console/dist with esbuild.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
fs.rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [path.join(here, 'src/main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: 'es2020',
  jsx: 'automatic',
  outfile: path.join(out, 'app.js'),
  define: { 'process.env.NODE_ENV': '"production"' },
  // The zod contracts from source: settings forms are generated from them and validated before sending.
  alias: { '@huiyuan/shared': path.join(here, '../../shared/src/index.ts') },
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'index.html'), path.join(out, 'index.html'));
fs.copyFileSync(path.join(here, 'src/styles.css'), path.join(out, 'styles.css'));
console.log(`operator console built: ${path.relative(process.cwd(), out)}`);
