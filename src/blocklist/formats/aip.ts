import { gzipSync } from 'node:zlib';
import { formatScore } from '../score-format.js';
import { defineListFormat } from './list-format.js';

/**
 * Gzip with fixed settings: Node writes no file name and mtime 0; the OS byte is set to 255 ("unknown", what Python's
 * gzip module writes) because zlib's own value depends on the platform it was built for.
 */
export function gzipDeterministic(data: string | Uint8Array): Buffer {
  const out = gzipSync(data, { level: 6 });
  out[9] = 255;
  return out;
}

/**
 * AIP's own output: `<out>/<Model>/AIP-<Model>-<YYYY-MM-DD>.csv.gz`, `ip,score` with scores as pandas writes a
 * float64 (see formatScore); an unranked (Alpha-family) list is the single column `attacker`.
 */
export const aipListFormat = defineListFormat({
  name: 'aip',
  description: "AIP's gzipped CSV <Model>/AIP-<Model>-<date>.csv.gz (ip,score; Alpha lists: attacker)",
  render(list, { model, date, unranked = false }) {
    const parts: string[] = [unranked ? 'attacker\n' : 'ip,score\n'];
    for (let i = 0; i < list.ips.length; i++) {
      parts.push(unranked ? `${list.ips[i]}\n` : `${list.ips[i]},${formatScore(list.scores[i]!)}\n`);
    }
    return [
      {
        path: `${model}/AIP-${model}-${date}.csv.gz`,
        data: gzipDeterministic(parts.join('')),
      },
    ];
  },
});
