import { unknownNameMessage } from '../util/did-you-mean.js';
import { UsageError } from '../util/errors.js';
import { processGlobal } from '../util/process-global.js';
import type { Model, ModelFactory, ModelJSON } from './model.js';
import type { CommonModelParams } from './params.js';

/**
 * One registry per process, kept on globalThis: a module that registers a model may load another copy of aiplab's
 * code than its caller's (a notebook kernel that `require`s the core while the module is `import`ed), and both must
 * see the same models.
 */
const models = processGlobal('aiplab.models.registry', () => new Map<string, ModelFactory>());

/** Adds a model (arquero's `addFunction`): a taken name is refused unless `override` is set. */
export function registerModel<P extends CommonModelParams>(
  factory: ModelFactory<P>,
  options: { override?: boolean } = {},
): void {
  if (models.has(factory.name) && !options.override)
    throw new UsageError(`model '${factory.name}' is already registered (pass override to replace it)`);
  models.set(factory.name, factory as unknown as ModelFactory);
}

/** Registered model names, in registration order. */
export function modelNames(): string[] {
  return [...models.keys()];
}

export function getModel(name: string): ModelFactory {
  const f = models.get(name);
  if (!f) throw new UsageError(unknownNameMessage('model', name, modelNames()));
  return f;
}

export function createModel(name: string, params?: Record<string, unknown>): Model {
  return getModel(name).create(params as Partial<CommonModelParams>);
}

/** A model from its JSON (`model.toJSON()`), whatever its kind. */
export function loadModel(json: ModelJSON | unknown): Model {
  if (typeof json !== 'object' || json === null || typeof (json as ModelJSON).name !== 'string')
    throw new UsageError(`loadModel: expected {"name": ..., "params": {...}}, got ${JSON.stringify(json)}`);
  return getModel((json as ModelJSON).name).load(json);
}
