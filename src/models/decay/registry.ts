import { UsageError } from '../../util/errors.js';
import { Registry } from '../../util/registry.js';
import { deepFreeze, parseParams } from '../params.js';
import type { DecayDefinition, DecayFunction, DecayJSON, DecaySpec } from './decay-function.js';

const decays = new Registry<DecayDefinition>('decay function');

/**
 * `registerDecay(definition, {override})` refuses a taken name unless told to override; `decayNames()` lists them in
 * registration order; `getDecay(name)`'s error suggests a known name.
 */
export const { add: registerDecay, names: decayNames, get: getDecay } = decays;

/** Builds a decay function from its name or JSON, validating its parameters (errors name the bad key). */
export function createDecay(spec: DecaySpec): DecayFunction {
  let name: string;
  let raw: Record<string, unknown>;
  if (typeof spec === 'string') {
    name = spec;
    raw = {};
  } else if (typeof spec === 'object' && spec !== null && typeof spec.name === 'string') {
    const { name: n, ...rest } = spec;
    name = n;
    raw = rest;
  } else {
    throw new UsageError(`decay: expected a name or {"name": ..., params}, got ${JSON.stringify(spec)}`);
  }
  const definition = getDecay(name);
  const params = deepFreeze(parseParams(`decay function '${name}'`, definition.schema, raw)) as Record<
    string,
    unknown
  >;
  const at = definition.make(params);
  return {
    name,
    params,
    at,
    toJSON: (): DecayJSON => ({ name, ...params }),
  };
}
