import { UsageError } from '../util/errors.js';
import { Registry } from '../util/registry.js';
import type { Model, ModelFactory, ModelJSON } from './model.js';
import type { CommonModelParams } from './params.js';

/**
 * One registry per process, kept on globalThis: a module that registers a model may load another copy of aiplab's
 * code than its caller's (a notebook kernel that `require`s the core while the module is `import`ed), and both must
 * see the same models.
 */
const models = new Registry<ModelFactory>('model', { shared: 'aiplab.models.registry' });

/**
 * `registerModel(factory, {override})` refuses a taken name unless told to override (arquero's `addFunction`);
 * `modelNames()` lists them in registration order; `getModel(name)`'s error suggests a known name.
 */
export const { add: registerModel, names: modelNames, get: getModel } = models;

export function createModel(name: string, params?: Record<string, unknown>): Model {
  return getModel(name).create(params as Partial<CommonModelParams>);
}

/** A model from its JSON (`model.toJSON()`), whatever its kind. */
export function loadModel(json: ModelJSON | unknown): Model {
  if (typeof json !== 'object' || json === null || typeof (json as ModelJSON).name !== 'string')
    throw new UsageError(`loadModel: expected {"name": ..., "params": {...}}, got ${JSON.stringify(json)}`);
  return getModel((json as ModelJSON).name).load(json);
}
