import { z } from 'zod';
import type { ParamsSchema } from '../params.js';

/** A decay (aging) function as JSON: its name and its parameters, e.g. `{ "name": "hyperbolic", "k": 2 }`. */
export type DecayJSON = { name: string } & Record<string, unknown>;
/** A decay function by name (`'aip-new'`, its defaults) or as JSON. */
export type DecaySpec = string | DecayJSON;

/**
 * An aging weight for the prioritizers (DESIGN §3): `at(d, t)` for an IP last seen `d` whole days before the
 * replayed date D (d ≥ 1 in any view asOf D) and active over `t` = last_seen − first_seen days.
 */
export interface DecayFunction {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  at(d: number, t: number): number;
  toJSON(): DecayJSON;
}

export interface DecayDefinition<P extends object = object> {
  name: string;
  /** The formula, in words a reader checks against the source. */
  formula: string;
  summary: string;
  schema: ParamsSchema<P>;
  make(params: P): (d: number, t: number) => number;
}

/** A strict params schema for a decay function (unknown keys are errors). */
export function decayParamsSchema<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape).strict();
}
