import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

// The public API is a contract with notebooks and experiments: a change here must be deliberate.
describe('public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "AiplabError",
        "AttackCollector",
        "DAY_TABLE_COLUMNS",
        "DAY_TABLE_HEADER",
        "DROP",
        "DataError",
        "MANIFEST_FILE",
        "MANIFEST_VERSION",
        "SkipCounter",
        "UsageError",
        "VERSION",
        "addDays",
        "aipFormat",
        "argusFormat",
        "canonicalIp",
        "cowrieFormat",
        "dayFromPath",
        "dayOfEpochSeconds",
        "dayRange",
        "dayTableFileName",
        "dayTablePath",
        "dayTableToCsv",
        "dayTableToGzip",
        "emptyDayTable",
        "expandInputs",
        "formatCount",
        "formatDay",
        "formatDuration",
        "formatFloat",
        "formatLocation",
        "getInputFormat",
        "ingest",
        "inputFormatNames",
        "ipSortKey",
        "isDay",
        "isGzip",
        "isOperating",
        "openDataset",
        "parseDay",
        "parseDayTableCsv",
        "parseHoneypots",
        "readDayTableFile",
        "readDayTableFileDetailed",
        "readHoneypots",
        "registerInputFormat",
        "sha256",
        "sortDayTable",
        "sortIpIndex",
        "streamFile",
        "totalFlows",
        "writeFileAtomic",
        "zeekFormat",
      ]
    `);
  });
});
