// `npm start`: build what is needed, then run the dev server (fake WeChat + BFF on
// the embedded database + demo data). Plain JS so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

console.log('Building shared, server and scripts...');
const tsc = run(process.execPath, [
  path.join(root, 'node_modules/typescript/bin/tsc'),
  '-b',
  'shared',
  'server',
  'scripts',
]);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// The operator console builds in well under a second: always fresh.
const consoleBuild = run(process.execPath, [path.join(root, 'server/console/build.mjs')]);
if (consoleBuild.status !== 0) console.warn('Could not build the operator console; the API still starts.');

// The H5 mini-program is built once (about 20 s); delete miniapp/dist-h5 to rebuild.
const builds = [
  {
    name: 'mini-program (H5)',
    out: 'miniapp/dist-h5/index.html',
    script: 'build:h5',
    workspace: '@huiyuan/miniapp',
    config: 'miniapp/config/index.ts',
  },
];
for (const b of builds) {
  if (process.env.SKIP_WEB_BUILD || fs.existsSync(path.join(root, b.out)) || !fs.existsSync(path.join(root, b.config)))
    continue;
  console.log(`Building the ${b.name}...`);
  const r = run('npm', ['run', b.script, '-w', b.workspace, '--silent']);
  if (r.status !== 0) console.warn(`Could not build the ${b.name}; the API still starts.`);
}

const child = run(process.execPath, [path.join(root, 'scripts/dist/dev/start.js')], { env: process.env });
process.exit(child.status ?? 0);
