import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../util/errors.js';
import { processGlobal } from '../util/process-global.js';
import { sha256 } from '../util/sha256.js';
import { modelNames } from './registry.js';

/** A module of the user's that registers models (issue 10, "your own model from outside src/"). */
export interface ModelModule {
  /** Absolute path. */
  path: string;
  /** sha256 of the file's bytes when it was loaded: the manifest records it, since the experiment runs its code. */
  sha256: string;
  /** The models it registered, in order. */
  models: string[];
}

/** Modules loaded in this process (on globalThis, as the model registry: one per process, whatever copy of aiplab loads). */
const loaded = processGlobal('aiplab.models.modules', () => new Map<string, ModelModule>());

/** This core is the aiplab command's compiled JavaScript (src/dist/, see src/cli/aiplab.mjs), not its TypeScript. */
const COMPILED = import.meta.url.endsWith('.js');

/** Module hooks (node:module register) that resolve the bare specifier 'aiplab' to `data.core`. */
const CORE_ALIAS_HOOKS = `data:text/javascript,${encodeURIComponent(
  'let core;\n' +
    'export function initialize(data) { core = data.core; }\n' +
    "export function resolve(specifier, context, next) { return specifier === 'aiplab' ? { url: core, shortCircuit: true } : next(specifier, context); }\n",
)}`;
let compiledTypeScript: Promise<void> | undefined;
let compiledAlias: Promise<void> | undefined;

/**
 * Readies the compiled core to load a user's module: tsx for a module in TypeScript (registered on first need, so
 * commands that load none stay fast), and the module's `import … from 'aiplab'` resolved to this compiled copy (the
 * package's own entry is the TypeScript): a second copy of the core would share the model registry (processGlobal)
 * but not the rest (its historyFeatures refuses this copy's knowledge views, its errors are other classes), and would
 * be compiled through tsx on every run.
 */
async function readyCompiledCore(path: string): Promise<void> {
  // tsx first: hooks registered later run first, so the alias sees 'aiplab' before tsx does.
  if (/\.[cm]?tsx?$/.test(path)) {
    compiledTypeScript ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await compiledTypeScript;
  }
  compiledAlias ??= import('node:module').then(({ register }) => {
    register(CORE_ALIAS_HOOKS, { data: { core: new URL('../index.js', import.meta.url).href } });
  });
  await compiledAlias;
}

/**
 * Loads modules that register models through the public API (`import { defineModel, registerModel } from 'aiplab'`),
 * each once per process: a second load of the same path returns what the first registered. A path is resolved from
 * `baseDir` (an experiment file's folder). TypeScript modules load because aiplab runs under tsx (the notebooks'
 * kernel, the CLI running the sources) or vitest, or through tsx registered then (the compiled CLI). `where` names
 * the key in errors, e.g. `exp.json: module`.
 */
export async function loadModelModules(
  paths: readonly string[],
  baseDir = '.',
  where = 'module',
): Promise<ModelModule[]> {
  const out: ModelModule[] = [];
  for (const [i, p] of paths.entries()) {
    const key = paths.length > 1 ? `${where}[${i}]` : where;
    const path = isAbsolute(p) ? p : resolve(baseDir, p);
    const known = loaded.get(path);
    if (known) {
      out.push(known);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new UsageError(
        `${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    const before = new Set(modelNames());
    try {
      // Loaded the way this copy of the core was: a core running as CommonJS with TypeScript hooked into require (a
      // tslab notebook kernel under tsx requires it) requires the module too, so that its `import … from 'aiplab'`
      // gets this very copy, not a second one; an ES-module core (the CLI, the tests) imports it.
      if (typeof require === 'function' && require.extensions?.['.ts'] !== undefined) require(path);
      else {
        if (COMPILED) await readyCompiledCore(path);
        await import(pathToFileURL(path).href);
      }
    } catch (error) {
      throw new UsageError(`${key}: ${path} failed to load: ${(error as Error).message}`);
    }
    const models = modelNames().filter((n) => !before.has(n));
    if (models.length === 0)
      throw new UsageError(
        `${key}: ${path} registered no model (call registerModel(defineModel({...})) from 'aiplab' in it)`,
      );
    const m: ModelModule = { path, sha256: sha256(bytes), models };
    loaded.set(path, m);
    out.push(m);
  }
  return out;
}

/** A module loaded by loadModelModules (by absolute path), or undefined. */
export function loadedModelModule(path: string): ModelModule | undefined {
  return loaded.get(path);
}
