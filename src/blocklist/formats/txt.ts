import { defineListFormat } from './list-format.js';

/** Plain text, one IP a line in rank order: `<out>/<Model>/<Model>-<YYYY-MM-DD>.txt`. */
export const txtListFormat = defineListFormat({
  name: 'txt',
  description: 'plain text, one IP a line: <Model>/<Model>-<date>.txt',
  render(list, { model, date }) {
    const data = list.ips.map((ip) => `${ip}\n`).join('');
    return [{ path: `${model}/${model}-${date}.txt`, data }];
  },
});
