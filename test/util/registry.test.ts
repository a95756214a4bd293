import { describe, expect, it } from 'vitest';
import {
  decayNames,
  defineMetric,
  getDecay,
  getInputFormat,
  getListFormat,
  getMetric,
  getModel,
  inputFormatNames,
  listFormatNames,
  metricNames,
  modelNames,
  registerDecay,
  registerInputFormat,
  registerListFormat,
  registerMetric,
  registerModel,
  UsageError,
} from '../../src/index.js';
import { Registry } from '../../src/util/registry.js';

/** The error `f` throws (the test fails if it throws none). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('Registry', () => {
  it('keeps registration order, not alphabetical, in names() and values()', () => {
    const r = new Registry<number>('thing');
    r.register('b', 2);
    r.register('a', 1);
    r.register('c', 3);
    expect(r.names()).toEqual(['b', 'a', 'c']);
    expect(r.values()).toEqual([2, 1, 3]);
    expect([r.has('a'), r.has('c'), r.has('d')]).toEqual([true, true, false]);
    expect(r.get('a')).toBe(1);
  });

  it('add registers a value under its own name', () => {
    const r = new Registry<{ name: string; n: number }>('thing');
    const c = { name: 'c', n: 3 };
    r.add(c);
    expect(r.names()).toEqual(['c']);
    expect(r.get('c')).toBe(c);
    expect(() => r.add({ name: 'c', n: 4 })).toThrow("thing 'c' is already registered");
  });

  it('refuses a taken name with a UsageError unless told to override; an override keeps the place', () => {
    const r = new Registry<string>('widget');
    r.register('x', 'first');
    r.register('y', 'other');
    const error = thrown(() => r.register('x', 'second'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("widget 'x' is already registered (pass override to replace it)");
    expect(r.get('x')).toBe('first');
    r.register('x', 'second', { override: true });
    expect(r.get('x')).toBe('second');
    expect(r.names()).toEqual(['x', 'y']);
  });

  it('an unknown name is a UsageError that suggests near names and lists the known ones sorted', () => {
    const r = new Registry<number>('gadget');
    for (const [i, name] of ['beta', 'alpha', 'gamma'].entries()) r.register(name, i);
    const error = thrown(() => r.get('alpah'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe("unknown gadget 'alpah'; did you mean 'alpha'? (known: alpha, beta, gamma)");
    // Nothing near: no suggestion.
    expect(thrown(() => r.get('zzzzzz')).message).toBe("unknown gadget 'zzzzzz' (known: alpha, beta, gamma)");
    // A name that is not a key of a plain object either.
    expect(thrown(() => r.get('constructor')).message).toMatch(/^unknown gadget 'constructor'/);
  });

  it('validates names against its pattern, in words where given', () => {
    const worded = new Registry<number>('metric', { pattern: /^[a-z]+$/, patternText: 'lower case' });
    expect(thrown(() => worded.register('Bad', 1))).toBeInstanceOf(UsageError);
    expect(thrown(() => worded.register('Bad', 1)).message).toBe("metric name 'Bad' must be lower case");
    expect(thrown(() => worded.checkName('a1')).message).toBe("metric name 'a1' must be lower case");
    expect(worded.names()).toEqual([]);
    const bare = new Registry<number>('thing', { pattern: /^x/ });
    expect(thrown(() => bare.register('y', 1)).message).toBe("thing name 'y' must be like /^x/");
    bare.register('xy', 1);
    expect(bare.names()).toEqual(['xy']);
  });

  it('shared: every Registry made with the same key sees one set of entries, kept on globalThis', () => {
    const key = 'aiplab.test.registry.shared';
    const one = new Registry<number>('thing', { shared: key });
    const two = new Registry<number>('thing', { shared: key });
    one.register('a', 1);
    expect(two.get('a')).toBe(1);
    expect(() => two.register('a', 2)).toThrow(UsageError);
    const stored = (globalThis as Record<symbol, unknown>)[Symbol.for(key)];
    expect(stored).toBeInstanceOf(Map);
    expect([...(stored as Map<string, number>)]).toEqual([['a', 1]]);
    // An unshared registry of the same kind is its own.
    expect(new Registry<number>('thing').has('a')).toBe(false);
  });

  it('the methods are bound: a registry module exports them on their own', () => {
    const r = new Registry<number>('thing');
    const { register, get, names, has, values } = r;
    register('a', 1);
    expect([get('a'), names(), has('a'), values()]).toEqual([1, ['a'], true, [1]]);
  });
});

describe('the five registries', () => {
  it('the model registry is the process-global one a second copy of the core would see', () => {
    const secondCopy = new Registry('model', { shared: 'aiplab.models.registry' });
    expect(secondCopy.names()).toEqual(modelNames());
    expect(secondCopy.get('CART')).toBe(getModel('CART'));
  });

  // Expected messages written by hand: the near names by edit distance, the known list sorted.
  it.each([
    [
      'model',
      () => getModel('random_forrest'),
      /^unknown model 'random_forrest'; did you mean 'Random_Forest'\? \(known: /,
    ],
    [
      'metric',
      () => getMetric('precison'),
      /^unknown metric 'precison'; did you mean 'precision' or 'precision_at_k'\? \(known: /,
    ],
    [
      'decay function',
      () => getDecay('aip-nw'),
      /^unknown decay function 'aip-nw'; did you mean 'aip-new'\? \(known: aip-consistent, aip-new, aip-seed, exponential, hyperbolic, linear, none, step\)$/,
    ],
    [
      'input format',
      () => getInputFormat('zeke'),
      /^unknown input format 'zeke'; did you mean 'zeek'\? \(known: aip, argus, cowrie, nfdump, suricata, zeek\)$/,
    ],
    [
      'list format',
      () => getListFormat('nftt'),
      /^unknown list format 'nftt'; did you mean 'nft'\? \(known: aip, csv, ipset, nft, txt\)$/,
    ],
  ])('%s: an unknown name is a UsageError saying "did you mean"', (_kind, get, message) => {
    const error = thrown(get);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['model', () => registerModel(getModel('CART')), "model 'CART'"],
    ['metric', () => registerMetric(getMetric('tp')), "metric 'tp'"],
    ['decay function', () => registerDecay(getDecay('step')), "decay function 'step'"],
    ['input format', () => registerInputFormat(getInputFormat('zeek')), "input format 'zeek'"],
    ['list format', () => registerListFormat(getListFormat('nft')), "list format 'nft'"],
  ])('%s: a taken name is a UsageError', (_kind, register, what) => {
    const error = thrown(register);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`${what} is already registered (pass override to replace it)`);
  });

  it('an override with the same value changes neither the value nor the order', () => {
    const before = [modelNames(), metricNames(), decayNames(), inputFormatNames(), listFormatNames()];
    const zeek = getInputFormat('zeek');
    registerModel(getModel('CART'), { override: true });
    registerMetric(getMetric('tp'), { override: true });
    registerDecay(getDecay('step'), { override: true });
    registerInputFormat(zeek, { override: true });
    registerListFormat(getListFormat('nft'), { override: true });
    expect([modelNames(), metricNames(), decayNames(), inputFormatNames(), listFormatNames()]).toEqual(
      before,
    );
    expect(getInputFormat('zeek')).toBe(zeek);
  });

  it('names come in registration order (the order of the register lines)', () => {
    expect(inputFormatNames()).toEqual(['zeek', 'cowrie', 'argus', 'aip', 'suricata', 'nfdump']);
    expect(listFormatNames()).toEqual(['aip', 'txt', 'ipset', 'nft', 'csv']);
    expect(decayNames()).toEqual([
      'aip-consistent',
      'aip-new',
      'hyperbolic',
      'exponential',
      'linear',
      'step',
      'aip-seed',
      'none',
    ]);
    expect(metricNames().slice(0, 7)).toEqual(['size', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1']);
  });

  it('metric names must be snake_case, at definition and at registration', () => {
    const spec = { name: 'Recall@K', description: 'x', higherIsBetter: true, compute: () => 0 };
    const message = "metric name 'Recall@K' must be snake_case (a-z, 0-9, _)";
    expect(thrown(() => defineMetric(spec))).toBeInstanceOf(UsageError);
    expect(thrown(() => defineMetric(spec)).message).toBe(message);
    expect(thrown(() => registerMetric({ ...getMetric('tp'), name: 'Recall@K' })).message).toBe(message);
    expect(metricNames()).not.toContain('Recall@K');
  });
});
