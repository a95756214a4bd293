import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorDirNames } from '../../src/backtest/leave-one-sensor-out.js';
import {
  analyzeRun,
  type BacktestRun,
  createModel,
  type Dataset,
  type DayTable,
  defineModel,
  type Experiment,
  foldDaysBefore,
  KnowledgeBase,
  LookaheadError,
  modelParamsSchema,
  rankByScore,
  registerModel,
  resolveExperiment,
  runBacktest,
  runExperiment,
  runLeaveOneSensorOut,
  UsageError,
} from '../../src/index.js';
import { modelContext, type SensorFeatures } from '../../src/models/model-context.js';
import { perDayCsv, summaryCsv } from '../../src/results/csv.js';
import { rejection, tempDir } from '../helpers.js';
import { memorySensorDataset, table } from '../knowledge/memory-dataset.js';

// ---------------------------------------------------------------------------------------------------------------
// Three sensors a, b, c over four days; IP n is 1.0.0.n. Every row is 1 flow, so the tie order among equal scores is
// last seen (latest first), then days active (most first), then the IP.
// ---------------------------------------------------------------------------------------------------------------

const ip = (n: number) => `1.0.0.${n}`;
const day = (date: string, ns: number[]): DayTable =>
  table(
    date,
    [...ns].sort((x, y) => x - y).map((n) => [ip(n), 1, 1, 1, 10]),
  );
const D1 = '2024-01-01';
const D2 = '2024-01-02';
const D3 = '2024-01-03';
const D4 = '2024-01-04';

function threeSensors(): Record<string, DayTable[]> {
  return {
    a: [day(D1, [1]), day(D2, [1, 2]), day(D3, [3, 5]), day(D4, [1])],
    b: [day(D1, [4]), day(D2, [4, 5]), day(D3, [5, 6]), day(D4, [6])],
    c: [day(D1, [2]), day(D2, [4, 7]), day(D3, [1, 4, 8]), day(D4, [3, 5, 9])],
  };
}

const CROSS = [
  'size',
  'tp',
  'fp',
  'recall',
  'recall_new',
  'oracle_ceiling',
  'fp_elsewhere',
  'fp_elsewhere_share',
  'recall_unseen',
];

function experiment(over: Record<string, unknown> = {}): Experiment {
  return resolveExperiment({
    id: 'sensors',
    version: 1,
    dataset: '/nonexistent/in-memory',
    from: D3,
    to: D4,
    models: [{ name: 'Alpha' }, { name: 'Alpha7' }],
    budgets: ['natural'],
    bootstrap: { resamples: 100 },
    seed: 1,
    ...over,
  });
}

/** The value of one per_day row (undefined when absent). */
function value(
  run: BacktestRun,
  date: string,
  model: string,
  budget: string,
  metric: string,
): number | undefined {
  return run.rows.find(
    (r) => r.date === date && r.model === model && r.budget === budget && r.metric === metric,
  )?.value;
}

function values(
  run: BacktestRun,
  date: string,
  model: string,
  budget = 'natural',
): Record<string, number | undefined> {
  return Object.fromEntries(CROSS.map((m) => [m, value(run, date, model, budget, m)]));
}

describe('train and truth sensor sets: metrics computed by hand', () => {
  it('Alpha and Alpha7 built from sensors a, b, scored on c', async () => {
    const run = await runBacktest(
      experiment({ sensors: ['b', 'a'], truth: { sensors: ['c'] } }),
      memorySensorDataset(threeSensors()),
    );
    expect(run.sensors).toEqual({ train: ['a', 'b'], truth: ['c'] });
    // D3: the list is what a or b saw on D2: {1, 2, 4, 5}; c attacks {1, 4, 8}; c saw {2, 4, 7} before D3.
    // TP {1, 4}; FP {2, 5}, of which only 5 was never seen by c; c's unseen attackers {1, 8}, of which 1 is listed.
    // a, b knew {1, 2, 4, 5} before D3: returning attackers {1, 4}.
    const d3 = {
      size: 4,
      tp: 2,
      fp: 2,
      recall: 2 / 3,
      recall_new: 0,
      oracle_ceiling: 2 / 3,
      fp_elsewhere: 1,
      fp_elsewhere_share: 1 / 4,
      recall_unseen: 1 / 2,
    };
    expect(values(run, D3, 'Alpha')).toEqual(d3);
    // Alpha7 on D3 sees D1 and D2: {1, 4} ∪ {1, 2, 4, 5}, the same list.
    expect(values(run, D3, 'Alpha7')).toEqual(d3);
    // D4: a, b on D3: {3, 5, 6}; c attacks {3, 5, 9}; c saw {1, 2, 4, 7, 8} before D4. FP {6}, never seen by c.
    // c's unseen attackers: {3, 5, 9}, two listed. a, b knew {1 .. 6}: returning {3, 5}.
    expect(values(run, D4, 'Alpha')).toEqual({
      size: 3,
      tp: 2,
      fp: 1,
      recall: 2 / 3,
      recall_new: 0,
      oracle_ceiling: 2 / 3,
      fp_elsewhere: 1,
      fp_elsewhere_share: 1 / 3,
      recall_unseen: 2 / 3,
    });
    // Alpha7 on D4: {1 .. 6}; FP {1, 2, 4, 6}: c saw 1, 2, 4 before D4, so only 6 is seen elsewhere only.
    expect(values(run, D4, 'Alpha7')).toEqual({
      size: 6,
      tp: 2,
      fp: 4,
      recall: 2 / 3,
      recall_new: 0,
      oracle_ceiling: 2 / 3,
      fp_elsewhere: 1,
      fp_elsewhere_share: 1 / 6,
      recall_unseen: 2 / 3,
    });
  });

  it('lists from a, b scored on every sensor (truth left to its default: the sums)', async () => {
    const run = await runBacktest(experiment({ sensors: ['a', 'b'] }), memorySensorDataset(threeSensors()));
    expect(run.sensors).toEqual({ train: ['a', 'b'], truth: ['a', 'b', 'c'] });
    // D3: list {1, 2, 4, 5}; all sensors attack {1, 3, 4, 5, 6, 8}; they saw {1, 2, 4, 5, 7} before D3: the FP 2 was
    // seen; the unseen attackers {3, 6, 8} are not listed.
    expect(values(run, D3, 'Alpha')).toEqual({
      size: 4,
      tp: 3,
      fp: 1,
      recall: 3 / 6,
      recall_new: 0,
      oracle_ceiling: 3 / 6,
      fp_elsewhere: 0,
      fp_elsewhere_share: 0,
      recall_unseen: 0,
    });
  });

  it('truth = train: fp_elsewhere is 0 and recall_unseen is recall_new, named or by default', async () => {
    const data = memorySensorDataset(threeSensors());
    const named = await runBacktest(
      experiment({ sensors: ['a', 'b'], truth: { sensors: ['a', 'b'] } }),
      data,
    );
    // D3: list {1, 2, 4, 5}; a, b attack {3, 5, 6}: TP {5}; every entry was seen by a, b; unseen attackers {3, 6}.
    expect(values(named, D3, 'Alpha')).toEqual({
      size: 4,
      tp: 1,
      fp: 3,
      recall: 1 / 3,
      recall_new: 0,
      oracle_ceiling: 1 / 3,
      fp_elsewhere: 0,
      fp_elsewhere_share: 0,
      recall_unseen: 0,
    });
    // No sensors named: the dataset's own tables (the sums of a, b, c) on both sides, the cross-sensor metrics only
    // when asked for. D3: list {1, 2, 4, 5, 7}; attackers {1, 3, 4, 5, 6, 8}; unseen {3, 6, 8}.
    const plain = await runBacktest(experiment({ metrics: CROSS }), data);
    expect(plain.sensors).toBeUndefined();
    expect(values(plain, D3, 'Alpha')).toEqual({
      size: 5,
      tp: 3,
      fp: 2,
      recall: 3 / 6,
      recall_new: 0,
      oracle_ceiling: 3 / 6,
      fp_elsewhere: 0,
      fp_elsewhere_share: 0,
      recall_unseen: 0,
    });
    const byDefault = await runBacktest(experiment(), data);
    expect(byDefault.metricColumns).not.toContain('fp_elsewhere');
    expect(byDefault.metricColumns).toContain('recall_new');
    expect(named.metricColumns).toEqual(
      expect.arrayContaining(['fp_elsewhere', 'fp_elsewhere_share', 'recall_unseen']),
    );
  });

  it('a later horizon scores D+h against the truth sensors, "unseen" still meaning before D', async () => {
    const run = await runBacktest(
      experiment({ sensors: ['a', 'b'], truth: { sensors: ['c'] }, horizons: [1], to: D3 }),
      memorySensorDataset(threeSensors()),
    );
    // D3's Alpha list {1, 2, 4, 5} against c on D4 {3, 5, 9}: TP {5}; FP {1, 2, 4}, all seen by c before D3 but 1
    // (c saw 2 on D1 and 4 on D2, 1 only on D3): fp_elsewhere 1. c's attackers of D4 unseen before D3: {3, 5, 9}.
    expect(value(run, D3, 'Alpha', 'natural', 'tp_h1')).toBe(1);
    expect(value(run, D3, 'Alpha', 'natural', 'fp_elsewhere_h1')).toBe(1);
    expect(value(run, D3, 'Alpha', 'natural', 'recall_unseen_h1')).toBe(1 / 3);
  });
});

describe('experiment keys and errors', () => {
  it('sensors and truth are validated and resolved (sorted)', () => {
    const e = experiment({ sensors: ['c', 'a'], truth: { sensors: ['b'] } });
    expect(e.sensors).toEqual(['a', 'c']);
    expect(e.truth).toEqual({ sensors: ['b'] });
    expect(experiment({ truth: { leaveOneSensorOut: true } }).truth).toEqual({ leaveOneSensorOut: true });
    expect(experiment({ truth: { leaveOneSensorOut: false } }).truth).toBeUndefined();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ sensors: [] }, /sensors: Array must contain at least 1/],
      [{ sensors: ['a', 'a'] }, /sensors\[1\]: 'a' is listed twice/],
      [{ sensors: [''] }, /sensors\[0\]/],
      [{ truth: { sensor: ['a'] } }, /truth: unknown key 'sensor'/],
      [{ truth: { sensors: ['c', 'c'] } }, /truth\.sensors\[1\]: 'c' is listed twice/],
      [{ truth: { leaveOneSensorOut: 'yes' } }, /truth\.leaveOneSensorOut/],
    ];
    for (const [over, message] of bad) expect(() => experiment(over)).toThrow(message);
  });

  it('a dataset without sensors, an unknown sensor, too few sensors: UsageErrors that say why', async () => {
    const plain = memorySensorDataset(threeSensors());
    const noSensors: Dataset = { ...plain, sensors: undefined, sensorView: undefined };
    for (const over of [{ sensors: ['a'] }, { truth: { sensors: ['c'] } }]) {
      const e = await rejection(runBacktest(experiment(over), noSensors));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toMatch(/keeps no per-sensor day tables/);
    }
    const e1 = await rejection(
      runLeaveOneSensorOut(experiment({ truth: { leaveOneSensorOut: true } }), { dataset: noSensors }),
    );
    expect(e1.message).toMatch(/truth\.leaveOneSensorOut: .*keeps no per-sensor day tables/);
    // Ingested per sensor, but no sensor saw an attack: the manifest's sensors list is empty, and the error says so.
    const noneSaw: Dataset = {
      ...noSensors,
      manifest: { ...(plain.manifest ?? {}), sensors: [] } as unknown as Dataset['manifest'],
    };
    for (const over of [{ sensors: ['a'] }, { truth: { sensors: ['c'] } }]) {
      const e = await rejection(runBacktest(experiment(over), noneSaw));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toMatch(/ingested per sensor \(ingest --per-sensor\), but no sensor saw an attack/);
      expect(e.message).not.toMatch(/keeps no per-sensor day tables/);
    }
    const e2 = await rejection(runBacktest(experiment({ sensors: ['a', 'z'] }), plain));
    expect(e2.message).toMatch(/^sensors: no sensor 'z' in the dataset .*\(its sensors: a, b, c\)/);
    const e3 = await rejection(runBacktest(experiment({ truth: { sensors: ['y'] } }), plain));
    expect(e3.message).toMatch(/^truth\.sensors: no sensor 'y'/);
    const e4 = await rejection(runBacktest(experiment({ truth: { leaveOneSensorOut: true } }), plain));
    expect(e4.message).toMatch(/runLeaveOneSensorOut/);
    const e5 = await rejection(runExperiment(experiment({ truth: { leaveOneSensorOut: true } })));
    expect(e5.message).toMatch(/runLeaveOneSensorOut/);
    const e6 = await rejection(
      runLeaveOneSensorOut(experiment({ sensors: ['a'], truth: { leaveOneSensorOut: true } }), {
        dataset: plain,
      }),
    );
    expect(e6.message).toMatch(/at least two sensors/);
    const e7 = await rejection(
      runLeaveOneSensorOut(
        experiment({ sensors: ['a', 'b'], truth: { leaveOneSensorOut: true, sensors: ['c'] } }),
        { dataset: plain },
      ),
    );
    expect(e7.message).toMatch(/truth\.sensors: 'c' not among the sensors of the run \(a, b\)/);
    const e8 = await rejection(
      runLeaveOneSensorOut(experiment({ sensors: ['a', 'z'], truth: { leaveOneSensorOut: true } }), {
        dataset: plain,
      }),
    );
    expect(e8.message).toMatch(/^sensors: no sensor 'z'/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What the lists and the truth read, and when: a spy model records, when it ranks D, the reads made so far and the
// sensor features it is given; Sensor_Spread's list is recorded beside them.
// ---------------------------------------------------------------------------------------------------------------

interface SpyRecord {
  date: string;
  readsBefore: number;
  spread: Record<number, Record<string, number>>;
  firstSeenHere: Record<string, number>;
  firstSeenAnywhere: Record<string, number>;
  spreadList: string[];
  features: SensorFeatures;
}
const spied: SpyRecord[] = [];
let spyReads: { length: number } = { length: 0 };

registerModel(
  defineModel({
    name: 'SensorSpy',
    summary: 'lists every known IP; records the sensor features it is given — tests only',
    source: 'test/backtest/sensors.test.ts',
    schema: modelParamsSchema({}),
    rank: (_p, ctx) => {
      const view = ctx.knowledge;
      const f = ctx.sensors!;
      const byIp = (a: Int32Array) => Object.fromEntries(Array.from(a, (v, id) => [view.ip(id), v]));
      spied.push({
        date: ctx.date,
        readsBefore: spyReads.length,
        spread: { 1: byIp(f.spread(1)), 2: byIp(f.spread(2)), 3: byIp(f.spread(3)) },
        firstSeenHere: byIp(f.firstSeenHere()),
        firstSeenAnywhere: byIp(f.firstSeenAnywhere()),
        spreadList: [...createModel('Sensor_Spread', { window: 2 }).rank(ctx).ips],
        features: f,
      });
      return rankByScore(view, view.columns().flows);
    },
  }),
);

const dayNumber = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

describe('no lookahead, and each side reads only its own sensors', () => {
  it('the knowledge and the features read only the train sensors, of days before D; the truth only c', async () => {
    spied.length = 0;
    const data = memorySensorDataset(threeSensors());
    spyReads = data.reads;
    await runBacktest(
      experiment({ models: [{ name: 'SensorSpy' }], sensors: ['a', 'b'], truth: { sensors: ['c'] } }),
      data,
    );
    expect(spied.map((s) => s.date)).toEqual([D3, D4]);
    const train = new Set(['a+b', 'a', 'b']);
    expect(new Set(data.reads.map((r) => r.sensors))).toEqual(new Set([...train, 'c']));
    for (const s of spied)
      for (const r of data.reads.slice(0, s.readsBefore))
        if (train.has(r.sensors))
          expect(r.date < s.date, `${r.sensors} ${r.date} before ranking ${s.date}`).toBe(true);
    // The truth side read c's tables of every day up to the last target (its history and its attackers), no more.
    expect([...new Set(data.reads.filter((r) => r.sensors === 'c').map((r) => r.date))].sort()).toEqual([
      D1,
      D2,
      D3,
      D4,
    ]);
    expect(data.reads.filter((r) => train.has(r.sensors)).every((r) => r.date < D4)).toBe(true);

    // The features, against a recomputation from the per-sensor tables of the days before D.
    const tables = threeSensors();
    const sawOn = (s: string, date: string) => new Set(tables[s]!.find((t) => t.date === date)?.ip ?? []);
    for (const s of spied) {
      const d = dayNumber(s.date);
      const known = new Set(
        ['a', 'b'].flatMap((x) => tables[x]!.filter((t) => t.date < s.date).flatMap((t) => t.ip)),
      );
      for (const w of [1, 2, 3]) {
        const want: Record<string, number> = {};
        for (const x of known)
          want[x] = ['a', 'b'].filter((sensor) =>
            tables[sensor]!.some(
              (t) => dayNumber(t.date) >= d - w && t.date < s.date && sawOn(sensor, t.date).has(x),
            ),
          ).length;
        expect(s.spread[w], `${s.date} spread(${w})`).toEqual(want);
      }
      const first = (sensors: string[], x: string) => {
        const days = sensors.flatMap((sensor) =>
          tables[sensor]!.filter((t) => t.date < s.date && t.ip.includes(x)).map((t) => dayNumber(t.date)),
        );
        return days.length === 0 ? -1 : Math.min(...days);
      };
      expect(s.firstSeenHere).toEqual(Object.fromEntries([...known].map((x) => [x, first(['c'], x)])));
      expect(s.firstSeenAnywhere).toEqual(
        Object.fromEntries([...known].map((x) => [x, first(['a', 'b', 'c'], x)])),
      );
    }
    // By hand: before D4, a saw 5 on D3 and b on D2 and D3; c saw 1 on D3 only, 6 never.
    expect(spied[1]!.spread[1]![ip(5)]).toBe(2);
    expect(spied[1]!.firstSeenHere[ip(1)]).toBe(dayNumber(D3));
    expect(spied[1]!.firstSeenHere[ip(6)]).toBe(-1);
    // Features kept past their day: a LookaheadError, not data of a later day.
    expect(() => spied[0]!.features.spread(1)).toThrow(LookaheadError);
    expect(() => spied[0]!.features.firstSeenHere()).toThrow(LookaheadError);
  });

  it("changing the last day's tables changes no list and no feature of that day", async () => {
    spied.length = 0;
    const data = memorySensorDataset(threeSensors());
    spyReads = data.reads;
    const e = experiment({
      models: [{ name: 'SensorSpy' }, { name: 'Alpha' }],
      sensors: ['a', 'b'],
      truth: { sensors: ['c'] },
    });
    const before = await runBacktest(e, data);
    const kept = spied.map(({ features: _f, readsBefore: _r, ...rest }) => rest);
    spied.length = 0;
    const changed = threeSensors();
    changed.a![3] = day(D4, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    changed.b![3] = day(D4, [11, 12]);
    changed.c![3] = day(D4, [1, 6, 12]);
    const changedData = memorySensorDataset(changed);
    spyReads = changedData.reads;
    const after = await runBacktest(e, changedData);
    expect(spied.map(({ features: _f, readsBefore: _r, ...rest }) => rest)).toEqual(kept);
    // The change does reach the truth of D4 (so the comparison above could fail).
    expect(value(after, D4, 'Alpha', 'natural', 'tp')).not.toBe(value(before, D4, 'Alpha', 'natural', 'tp'));
  });
});

describe('Sensor_Spread', () => {
  it('ranks by the number of train sensors that saw an IP in the window, ties in the tie order', async () => {
    spied.length = 0;
    const data = memorySensorDataset(threeSensors());
    spyReads = data.reads;
    await runBacktest(
      experiment({ models: [{ name: 'SensorSpy' }], sensors: ['a', 'b'], truth: { sensors: ['c'] } }),
      data,
    );
    // D3, window 2 (D1, D2): a saw {1, 2}, b {4, 5}: each IP once. Tie order: last seen D2 for all; days active 1, 4: 2
    // days, 2, 5: 1 day; then IP.
    expect(spied[0]!.spreadList).toEqual([ip(1), ip(4), ip(2), ip(5)]);
    // D4, window 2 (D2, D3): a {1, 2, 3, 5}, b {4, 5, 6}: 5 by both. Then last seen D3 (3, 6), then D2 with days
    // active 2 (1, 4), then 2.
    expect(spied[1]!.spreadList).toEqual([ip(5), ip(3), ip(6), ip(1), ip(4), ip(2)]);
  });

  it('scored through the budgets', async () => {
    const run = await runBacktest(
      experiment({
        models: [{ name: 'Sensor_Spread', params: { window: 2 } }],
        budgets: [1, 2, 3, 'natural'],
        sensors: ['a', 'b'],
        truth: { sensors: ['c'] },
      }),
      memorySensorDataset(threeSensors()),
    );
    // D3: [1, 4, 2, 5] against c {1, 4, 8}. D4: [5, 3, 6, 1, 4, 2] against c {3, 5, 9}.
    expect(['1', '2', '3', 'natural'].map((b) => value(run, D3, 'Sensor_Spread', b, 'tp'))).toEqual([
      1, 2, 2, 2,
    ]);
    expect(['1', '2', '3', 'natural'].map((b) => value(run, D4, 'Sensor_Spread', b, 'tp'))).toEqual([
      1, 2, 2, 2,
    ]);
    // D4's natural list: FP {6, 1, 4, 2}; c saw 1, 2, 4 before D4.
    expect(value(run, D4, 'Sensor_Spread', 'natural', 'fp_elsewhere')).toBe(1);
  });

  it('minSensors; without sensor features the dataset counts as one sensor, with a warning', async () => {
    const data = memorySensorDataset(threeSensors());
    const kb = new KnowledgeBase();
    await foldDaysBefore(kb, data, D4);
    const view = kb.asOf(D4);
    const spread = new Int32Array(view.size);
    for (const [x, n] of [
      [5, 2],
      [3, 1],
      [6, 1],
    ] as const)
      spread[view.idOf(ip(x))!] = n;
    const features = { sensors: ['a', 'b'], here: ['c'], spread: () => spread } as unknown as SensorFeatures;
    const two = createModel('Sensor_Spread', { window: 1, minSensors: 2 }).rank(
      modelContext(view, { sensors: features }),
    );
    expect(two.ips).toEqual([ip(5)]);
    const warnings: string[] = [];
    const plain = createModel('Sensor_Spread', { window: 1 }).rank(
      modelContext(view, { warn: (m) => warnings.push(m) }),
    );
    // The sums on D3: a {3, 5}, b {5, 6}, c {1, 4, 8}; all once, last seen D3; days active: 1 and 4 three days (4
    // with 4 flows: b and c both saw it on D2; 1 with 3), 5 two, 3, 6 and 8 one.
    expect(plain.ips).toEqual([ip(4), ip(1), ip(5), ip(3), ip(6), ip(8)]);
    expect(warnings).toEqual([expect.stringMatching(/no sensor features/)]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Leave-one-sensor-out
// ---------------------------------------------------------------------------------------------------------------

describe('leave-one-sensor-out', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
    await mkdir(join(tmp.dir, 'dataset'));
  });
  afterAll(async () => tmp.cleanup());
  /** The in-memory dataset in an (empty) folder: results record a fingerprint of its folder. */
  const onDisk = () => Object.assign(memorySensorDataset(threeSensors()), { dir: join(tmp.dir, 'dataset') });

  const loso = (over: Record<string, unknown> = {}) =>
    experiment({
      models: [{ name: 'Alpha' }, { name: 'Sensor_Spread' }],
      budgets: [2, 'natural'],
      truth: { leaveOneSensorOut: true },
      ...over,
    });

  it('one folder per held-out sensor, each equal to its explicit train/truth experiment', async () => {
    const result = await runLeaveOneSensorOut(loso(), { dataset: onDisk(), out: join(tmp.dir, 'one') });
    expect(result.heldOut.map((h) => [h.sensor, h.trainSensors])).toEqual([
      ['a', ['b', 'c']],
      ['b', ['a', 'c']],
      ['c', ['a', 'b']],
    ]);
    const dir = result.written!.dir;
    expect((await readdir(join(dir, 'held-out'))).sort()).toEqual(['a', 'b', 'c']);
    for (const h of result.heldOut) {
      const explicit = experiment({
        models: [{ name: 'Alpha' }, { name: 'Sensor_Spread' }],
        budgets: [2, 'natural'],
        sensors: h.trainSensors,
        truth: { sensors: [h.sensor] },
      });
      const run = await runBacktest(explicit, memorySensorDataset(threeSensors()));
      expect(await readFile(join(dir, 'held-out', h.sensor, 'per_day.csv'), 'utf8')).toBe(
        perDayCsv(run.rows),
      );
      expect(await readFile(join(dir, 'held-out', h.sensor, 'summary.csv'), 'utf8')).toBe(
        summaryCsv(analyzeRun(run).summary),
      );
      const manifest = JSON.parse(await readFile(join(dir, 'held-out', h.sensor, 'manifest.json'), 'utf8'));
      expect([
        manifest.mode,
        manifest.heldOut,
        manifest.experiment.sensors,
        manifest.experiment.truth,
      ]).toEqual(['leave-one-sensor-out', h.sensor, h.trainSensors, { sensors: [h.sensor] }]);
    }
    // Held-out c is the hand-computed case above: Alpha from a, b on c.
    const c = result.heldOut[2]!.run;
    expect(values(c, D3, 'Alpha')).toMatchObject({ tp: 2, fp: 2, fp_elsewhere: 1, recall_unseen: 1 / 2 });

    const top = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(top.mode).toBe('leave-one-sensor-out');
    expect(top.experiment.truth).toEqual({ leaveOneSensorOut: true });
    expect(top.sensors).toEqual(['a', 'b', 'c']);
    expect(top.heldOut.map((h: { dir: string }) => h.dir)).toEqual(['a', 'b', 'c']);
    for (const f of top.files) await readFile(join(dir, f));

    // The table: every held-out run's summary rows, led by the sensor.
    const csv = (await readFile(join(dir, 'leave-one-sensor-out.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe(
      'held_out,held_out_dir,train_sensors,model,budget,metric,n,mean,median,q1,q3,iqr,ci_low,ci_high,higher_is_better',
    );
    const rowsOf = (sensor: string) => csv.filter((l) => l.startsWith(`${sensor},`));
    for (const h of result.heldOut) {
      const summary = summaryCsv(h.analysis.summary).trim().split('\n').slice(1);
      expect(rowsOf(h.sensor)).toEqual(
        summary.map((l) => `${h.sensor},${h.dir},${h.trainSensors.join(' ')},${l}`),
      );
    }
    // Alpha's natural recall held out on c, mean over D3 (2/3) and D4 (2/3).
    expect(csv.filter((l) => l.startsWith(`c,c,a b,Alpha,natural,recall,2,${2 / 3},${2 / 3},`))).toHaveLength(
      1,
    );
    const text = await readFile(join(dir, 'summary.txt'), 'utf8');
    expect(text).toMatch(/leave-one-sensor-out over 3 sensors \(a, b, c\)/);
    expect(text).toMatch(/budget natural: fp_elsewhere_share/);
    expect(text).toMatch(/mean of sensors/);
  });

  it('a re-run writes byte-identical files (manifests equal but for when and how long)', async () => {
    const a = await runLeaveOneSensorOut(loso(), { dataset: onDisk(), out: join(tmp.dir, 'a') });
    const b = await runLeaveOneSensorOut(loso(), { dataset: onDisk(), out: join(tmp.dir, 'b') });
    const files = a.written!.files.map((f) => f.slice(a.written!.dir.length + 1));
    expect(files).toEqual(b.written!.files.map((f) => f.slice(b.written!.dir.length + 1)));
    expect(files.filter((f) => !f.endsWith('manifest.json')).length).toBe(2 + 3 * 4);
    for (const f of files) {
      let x = await readFile(join(a.written!.dir, f), 'utf8');
      let y = await readFile(join(b.written!.dir, f), 'utf8');
      if (f.endsWith('manifest.json')) {
        const strip = (text: string) => {
          const { startedAt: _s, timings: _t, ...rest } = JSON.parse(text);
          return JSON.stringify(rest);
        };
        x = strip(x);
        y = strip(y);
      }
      expect(y, f).toBe(x);
    }
  });

  it('truth.sensors chooses the held-out sensors; sensors the run', async () => {
    const data = memorySensorDataset(threeSensors());
    const r1 = await runLeaveOneSensorOut(loso({ truth: { leaveOneSensorOut: true, sensors: ['c'] } }), {
      dataset: data,
    });
    expect(r1.heldOut.map((h) => [h.sensor, h.trainSensors])).toEqual([['c', ['a', 'b']]]);
    const r2 = await runLeaveOneSensorOut(loso({ sensors: ['a', 'c'] }), { dataset: data });
    expect(r2.heldOut.map((h) => [h.sensor, h.trainSensors])).toEqual([
      ['a', ['c']],
      ['c', ['a']],
    ]);
    expect(r1.written).toBeUndefined();
  });

  it('sensor names that are not safe file names get folders of their own', () => {
    const names = sensorDirNames(['a', '2001:db8::1', '.hidden', 'A', 'x y', 'ok-1.b_2']);
    expect(names[0]).toMatch(/^a-[0-9a-f]{8}$/); // a and A would share a folder on a case-blind file system
    expect(names[1]).toMatch(/^2001_db8__1-[0-9a-f]{8}$/);
    expect(names[2]).toMatch(/^_hidden-[0-9a-f]{8}$/);
    expect(names[3]).toMatch(/^A-[0-9a-f]{8}$/);
    expect(names[4]).toMatch(/^x_y-[0-9a-f]{8}$/);
    expect(names[5]).toBe('ok-1.b_2');
    expect(new Set(names).size).toBe(names.length);
  });
});
