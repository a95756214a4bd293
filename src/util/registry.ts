import { unknownNameMessage } from './did-you-mean.js';
import { UsageError } from './errors.js';
import { processGlobal } from './process-global.js';

export interface RegistryOptions {
  /** A name must match it to be registered, e.g. `/^[a-z][a-z0-9_]*$/`. @default any name */
  pattern?: RegExp;
  /** What `pattern` asks for, in words, for the refusal: `snake_case (a-z, 0-9, _)`. @default the pattern itself */
  patternText?: string;
  /**
   * Keep the entries on globalThis under `Symbol.for(shared)` (processGlobal), so every copy of aiplab's code in the
   * process sees one registry. Only the entries are shared: each copy's Registry throws its own UsageError, which its
   * own CLI recognises. @default entries private to this Registry
   */
  shared?: string;
}

/** Options of a registration. */
export interface RegisterOptions {
  /** Replace the value of a taken name (it keeps its place in the order). @default false */
  override?: boolean;
}

/**
 * Named things of one kind (models, decay functions, metrics, input and list formats), as lm-evaluation-harness's
 * `Registry[T]`: a taken name is refused unless told to override (arquero's `addFunction`), an unknown one is a
 * UsageError that suggests the nearest known names. Names keep their registration order. The methods are bound, so a
 * registry module exports them under its own names: `export const { get: getListFormat } = formats`.
 */
export class Registry<T> {
  readonly #entries: Map<string, T>;

  /** `kind` names the things in messages: 'model', 'decay function', 'input format'. */
  constructor(
    readonly kind: string,
    private readonly options: RegistryOptions = {},
  ) {
    this.#entries =
      options.shared === undefined ? new Map() : processGlobal(options.shared, () => new Map<string, T>());
  }

  /** Refuses a name the pattern (if any) does not allow; a definition checks its name with it before registering. */
  readonly checkName = (name: string): void => {
    const { pattern, patternText } = this.options;
    if (pattern !== undefined && !pattern.test(name))
      throw new UsageError(`${this.kind} name '${name}' must be ${patternText ?? `like ${pattern}`}`);
  };

  /** Adds `value` under `name`; a taken name is refused unless `override` is set. */
  readonly register = (name: string, value: T, { override = false }: RegisterOptions = {}): void => {
    this.checkName(name);
    if (this.#entries.has(name) && !override)
      throw new UsageError(`${this.kind} '${name}' is already registered (pass override to replace it)`);
    this.#entries.set(name, value);
  };

  /** Adds a value under its own `name`, as `register` does. */
  readonly add = (value: T & { readonly name: string }, options?: RegisterOptions): void =>
    this.register(value.name, value, options);

  readonly has = (name: string): boolean => this.#entries.has(name);

  /** The value of `name`; an unknown name is a UsageError with "did you mean" and the known names. */
  readonly get = (name: string): T => {
    if (!this.#entries.has(name)) throw new UsageError(unknownNameMessage(this.kind, name, this.names()));
    return this.#entries.get(name) as T;
  };

  /** Registered names, in registration order. */
  readonly names = (): string[] => [...this.#entries.keys()];

  /** Registered values, in registration order. */
  readonly values = (): T[] => [...this.#entries.values()];
}
