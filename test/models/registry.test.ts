import { describe, expect, it } from 'vitest';
import { createModel, getModel, loadModel, modelNames, registerModel, UsageError } from '../../src/index.js';
import { alphaModel } from '../../src/models/alpha.js';
import { alpha7Model } from '../../src/models/alpha7.js';
import type { PrioritizeParams } from '../../src/models/prioritize.js';

describe('model registry', () => {
  it('every model names where it comes from: a source, and the paper or system at the end of its summary', () => {
    for (const name of modelNames()) {
      const f = getModel(name);
      expect(f.source.length, name).toBeGreaterThan(10);
      expect(f.summary, name).toMatch(/ — \S/);
    }
  });

  it('holds the built-in models', () => {
    expect(modelNames()).toEqual([
      'Alpha',
      'Alpha7',
      'AllIPs',
      'Pareto',
      'Prioritize_Consistent',
      'Prioritize_New',
      'TopVolume',
      'Random',
      'Random_Forest',
      'CART',
      'EWMA',
      'Recurrence_Forest',
      'Recurrence_GBT',
      'Recurrence_Logistic',
      'Sensor_Spread',
    ]);
  });

  it('unknown names say "did you mean"', () => {
    expect(() => getModel('alpha7')).toThrow(/unknown model 'alpha7'; did you mean 'Alpha7'/);
    expect(() => getModel('Prioritize_Consistant')).toThrow(/did you mean 'Prioritize_Consistent'/);
    expect(() => createModel('RandomForest')).toThrow(/unknown model 'RandomForest'.*\(known: .*Alpha.*\)/);
    expect(() => loadModel({ name: 'Topvolume', params: {} })).toThrow(/did you mean 'TopVolume'/);
  });

  it('refuses a taken name unless told to override', () => {
    expect(() => registerModel(alphaModel)).toThrow(/model 'Alpha' is already registered/);
    registerModel(alphaModel, { override: true });
    expect(getModel('Alpha')).toBe(alphaModel);
  });
});

describe('model params: plain JSON, validated, errors name the key', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['Alpha', { lookback: 'x' }, /^Alpha: parameter 'lookback': Expected number, received string/],
    ['Alpha', { lookback: 0 }, /parameter 'lookback'/],
    ['Alpha7', { lookbak: 7 }, /Alpha7: unknown parameter 'lookbak'/],
    ['Alpha', { score: 'loud' }, /parameter 'score'/],
    ['AllIPs', { start: '2020-13-01' }, /parameter 'start': expected a YYYY-MM-DD date/],
    ['Pareto', { share: 1.5 }, /parameter 'share'/],
    ['Pareto', { column: 'port' }, /parameter 'column'/],
    ['Prioritize_Consistent', { weights: [1, 2] }, /parameter 'weights': expected 8 weights/],
    ['Prioritize_Consistent', { weights: [1, 2, 3, 4, 5, 6, 7, 'x'] }, /parameter 'weights.7'/],
    [
      'Prioritize_New',
      { decay: { name: 'hyperbolic', k: -2 } },
      /parameter 'decay': .*'hyperbolic': parameter 'k'/,
    ],
    ['Prioritize_New', { decay: 'hyperbolik' }, /parameter 'decay': unknown decay function .*'hyperbolic'/],
    ['Prioritize_New', { minimum: -1 }, /parameter 'minimum'/],
    ['Prioritize_New', { normalization: 'z' }, /parameter 'normalization'/],
    ['TopVolume', { lookback: 2.5 }, /parameter 'lookback'/],
    ['Random', { K: 0 }, /parameter 'K'/],
    ['Random', { seed: -1 }, /parameter 'seed'/],
    ['Random', { budget: 0 }, /parameter 'budget'/],
  ];
  it.each(bad)('%s %j', (name, params, message) => {
    expect(() => createModel(name, params)).toThrow(UsageError);
    expect(() => createModel(name, params)).toThrow(message);
  });

  it('fills documented defaults and writes name + params', () => {
    expect(createModel('Prioritize_New').toJSON()).toEqual({
      name: 'Prioritize_New',
      params: {
        weights: [0.2, 0.2, 0.2, 0.2, 0.05, 0.05, 0.05, 0.05],
        threshold: 1e-5,
        minimum: 5000,
        decay: { name: 'aip-new' },
        normalization: 'min-max',
        budget: null,
      },
    });
    expect(createModel('Prioritize_Consistent').params).toMatchObject({
      weights: [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2],
      threshold: 2e-5,
      minimum: 5000,
      decay: { name: 'aip-consistent' },
    });
    const pn = createModel('Prioritize_New', { decay: 'hyperbolic' }).params as PrioritizeParams;
    expect(pn.decay).toEqual({ name: 'hyperbolic', k: 2 });
    expect(createModel('Alpha').params).toEqual({
      lookback: 1,
      score: 'flat',
      budget: null,
    });
    expect(createModel('Alpha7').params).toEqual({
      lookback: 7,
      score: 'flat',
      budget: null,
    });
    expect(createModel('Pareto').params).toEqual({
      lookback: 60,
      share: 0.8,
      column: 'flows',
      budget: null,
    });
    expect(createModel('AllIPs').params).toEqual({ start: null, budget: null });
    expect(createModel('TopVolume').params).toEqual({
      lookback: null,
      column: 'flows',
      budget: null,
    });
    expect(createModel('Random').params).toEqual({
      K: 1000,
      seed: null,
      budget: null,
    });
  });

  it('load refuses the JSON of another model', () => {
    const json = alpha7Model.create({ lookback: 3 }).toJSON();
    expect(() => alphaModel.load(json)).toThrow(/Alpha\.load: this is the JSON of a 'Alpha7' model/);
    expect(alpha7Model.load(json).params.lookback).toBe(3);
    expect(loadModel(json).name).toBe('Alpha7');
    expect(() => alphaModel.load('Alpha')).toThrow(UsageError);
  });

  it('declares the history it reads', () => {
    expect(createModel('Pareto').historyDays).toBe(60);
    expect(createModel('TopVolume', { lookback: 9 }).historyDays).toBe(9);
    expect(createModel('Alpha7').historyDays).toBe(0); // Alpha reads last_seen, not rows
  });
});
