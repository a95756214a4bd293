import { unknownNameMessage } from '../../util/did-you-mean.js';
import { UsageError } from '../../util/errors.js';
import { deepFreeze, parseParams } from '../params.js';
import type { DecayDefinition, DecayFunction, DecayJSON, DecaySpec } from './decay-function.js';

const decays = new Map<string, DecayDefinition>();

/** Adds a decay function; a taken name is refused unless `override` is set. */
export function registerDecay<P extends object>(
  definition: DecayDefinition<P>,
  options: { override?: boolean } = {},
): void {
  if (decays.has(definition.name) && !options.override)
    throw new UsageError(
      `decay function '${definition.name}' is already registered (pass override to replace it)`,
    );
  decays.set(definition.name, definition as unknown as DecayDefinition);
}

export function decayNames(): string[] {
  return [...decays.keys()];
}

export function getDecay(name: string): DecayDefinition {
  const d = decays.get(name);
  if (!d) throw new UsageError(unknownNameMessage('decay function', name, decayNames()));
  return d;
}

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
