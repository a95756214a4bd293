import { type ZodError, type ZodRawShape, type ZodType, type ZodTypeDef, z } from 'zod';
import { UsageError } from '../util/errors.js';

/** Parameters every model has. */
export interface CommonModelParams {
  /**
   * Keep exactly the top K of the ranked list (after the allowlist) instead of the model's own list rule; null keeps
   * the model's natural list (AIP's threshold/minimum rule for the prioritizers, everything for the others).
   * @default null
   */
  budget: number | null;
}

export const commonParamsShape = {
  budget: z.number().int().min(1).nullable().default(null),
};

/** A strict schema (unknown keys are errors) for a model's own params plus the common ones. */
export function modelParamsSchema<S extends ZodRawShape>(shape: S) {
  return z.object({ ...shape, ...commonParamsShape }).strict();
}

export type ParamsSchema<P> = ZodType<P, ZodTypeDef, unknown>;

/** One line per problem, each naming the parameter: `Alpha: parameter 'lookback': Expected number, received string`. */
export function formatParamsError(owner: string, error: ZodError): string {
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length > 0 ? ` in '${issue.path.join('.')}'` : '';
      return `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where}`;
    }
    const path = issue.path.join('.');
    return `parameter '${path}': ${issue.message}`;
  });
  return `${owner}: ${lines.join('; ')}`;
}

export function parseParams<P>(owner: string, schema: ParamsSchema<P>, params: unknown): P {
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params)))
    throw new UsageError(`${owner}: params must be an object, got ${JSON.stringify(params)}`);
  const result = schema.safeParse(params ?? {});
  if (!result.success) throw new UsageError(formatParamsError(owner, result.error));
  return result.data;
}

/** Freezes a plain JSON value and everything inside it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
