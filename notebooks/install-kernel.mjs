#!/usr/bin/env node
// Registers the tslab TypeScript kernel with Jupyter so the notebooks in this folder run, in Jupyter and headless
// (`jupyter nbconvert --execute`, the test suite). Plain Node, no dependencies; safe to run again (idempotent).
//
//   node notebooks/install-kernel.mjs                 per-user registry (~/.local/share/jupyter/kernels/tslab)
//   node notebooks/install-kernel.mjs --prefix DIR    DIR/share/jupyter/kernels/tslab (tests: JUPYTER_PATH=DIR/share/jupyter)
//   node notebooks/install-kernel.mjs --if-jupyter    npm postinstall: quiet, skips when Jupyter is absent, never fails
//   node notebooks/install-kernel.mjs --open          registers, then starts JupyterLab or Notebook on this folder
//
// The kernel is tslab (a devDependency) started by its absolute path, with NODE_OPTIONS="--import <tsx loader>" in
// kernel.json: the core package `aiplab` is TypeScript (src/index.ts), loaded through tsx. Jupyter copies that env
// into the kernel whatever the caller's environment, so `jupyter nbconvert --execute notebooks/x.ipynb` works as is.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
let ifJupyter = false;
let open = false;
let prefix;
let bad;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--if-jupyter') ifJupyter = true;
  else if (args[i] === '--open') open = true;
  else if (args[i] === '--prefix' && args[i + 1]) prefix = args[++i];
  else bad ??= args[i];
}

function fail(message) {
  if (ifJupyter) process.exit(0);
  process.stderr.write(`install-kernel: ${message}\n`);
  process.exit(1);
}

if (bad) fail(`unknown option or missing value: '${bad}' (use --prefix DIR, --if-jupyter or --open)`);

// A python3 that has jupyter_client and IPython (what tslab's install.py imports). Debian's comes first: a pyenv or
// venv python earlier on PATH usually lacks them.
function findPython() {
  const candidates = ['/usr/bin/python3'];
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    for (const name of ['python3', 'python']) if (dir) candidates.push(join(dir, name));
  const seen = new Set();
  for (const py of candidates) {
    if (seen.has(py) || !existsSync(py)) continue;
    seen.add(py);
    const r = spawnSync(py, ['-c', 'import jupyter_client, IPython'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

// The tsx loader as a file URL: NODE_OPTIONS is split on spaces, and a URL has none.
function tsxLoader() {
  const require = createRequire(join(root, 'src', 'package.json'));
  try {
    return pathToFileURL(require.resolve('tsx')).href;
  } catch {
    return fail('tsx is not installed (run npm ci first)');
  }
}

const tslab = join(root, 'node_modules', '.bin', 'tslab');
if (!existsSync(tslab)) fail(`${tslab} not found (run npm ci first)`);
const nodeOptions = `--import ${tsxLoader()}`;

const python = findPython();
if (!python)
  fail(
    'no python3 with Jupyter found (tried /usr/bin/python3 and PATH); on Debian: ' +
      'apt-get install jupyter-nbconvert jupyter-client python3-ipykernel',
  );

function kernelDir() {
  if (prefix) return join(resolve(prefix), 'share', 'jupyter', 'kernels', 'tslab');
  const r = spawnSync(
    python,
    ['-c', 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) fail(`cannot find Jupyter's data folder: ${r.stderr.trim()}`);
  return join(r.stdout.trim(), 'kernels', 'tslab');
}

const dir = kernelDir();
const specPath = join(dir, 'kernel.json');

function readSpec() {
  try {
    return JSON.parse(readFileSync(specPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function upToDate(spec) {
  return spec?.argv?.[0] === tslab && spec?.env?.NODE_OPTIONS === nodeOptions;
}

let spec = readSpec();
if (!upToDate(spec)) {
  const where = prefix ? `--prefix=${resolve(prefix)}` : '--user';
  const r = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, where], {
    encoding: 'utf8',
  });
  if (r.status !== 0) fail(`tslab install failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  spec = readSpec();
  if (!spec) fail(`tslab install wrote no ${specPath}`);
  spec.env = { ...spec.env, NODE_OPTIONS: nodeOptions };
  writeFileSync(specPath, `${JSON.stringify(spec, null, 1)}\n`);
}
if (!ifJupyter) process.stdout.write(`tslab kernel registered: ${specPath} (python ${python})\n`);

if (open) {
  // JupyterLab if installed, else the classic Notebook (Debian: jupyter-notebook).
  const app = ['lab', 'notebook'].find(
    (a) => spawnSync('jupyter', [a, '--version'], { stdio: 'ignore' }).status === 0,
  );
  if (!app)
    fail(
      'neither JupyterLab nor Jupyter Notebook is installed (Debian: apt-get install jupyter-notebook; or pip install jupyterlab)',
    );
  const r = spawnSync('jupyter', [app, here], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
