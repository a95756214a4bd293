/**
 * docs/api.md, generated from src/index.ts (the public API names each export and groups them under `// <section>`
 * comments): per section, the functions and values, then the types, each with the module that defines it.
 */

interface ApiSection {
  title: string;
  exports: { name: string; type: boolean; from: string }[];
}

/** The sections of src/index.ts and their named exports, in file order. */
export function apiSections(indexSource: string): ApiSection[] {
  const sections: ApiSection[] = [];
  const text = indexSource.replace(/\/\*[\s\S]*?\*\//g, '');
  const statement = /\/\/ ([^\n]+)|export (type )?\{([^}]*)\} from '([^']+)';/g;
  for (const m of text.matchAll(statement)) {
    if (m[1] !== undefined) {
      sections.push({ title: m[1].trim(), exports: [] });
      continue;
    }
    const section = sections[sections.length - 1];
    if (section === undefined) throw new Error(`src/index.ts: an export before the first // section comment`);
    for (const raw of m[3]!.split(',')) {
      const item = raw.trim();
      if (item === '') continue;
      const type = m[2] !== undefined || item.startsWith('type ');
      section.exports.push({ name: item.replace(/^type /, '').trim(), type, from: m[4]! });
    }
  }
  return sections.filter((s) => s.exports.length > 0);
}

function sourceLink(from: string): string {
  if (!from.startsWith('./')) return `\`${from}\` (a dependency)`;
  const path = `src/${from.slice(2).replace(/\.js$/, '.ts')}`;
  return `[${path}](../${path})`;
}

/** docs/api.md: the public API as src/index.ts declares it. */
export function apiDoc(indexSource: string): string {
  const lines = [
    '# The public API',
    '',
    '<!-- Generated from src/index.ts by `npm run docs` (src/cli/api-doc.ts); test/docs/generated-docs.test.ts fails when stale. -->',
    '',
    "What `import … from 'aiplab'` gives: the names notebooks, experiments and module models use, chosen one by one in",
    '`src/index.ts` (test/api.test.ts snapshots them, so a change is deliberate). Everything else is internal: tests',
    'import it by path, and it may change without notice. Each name is documented where it is defined (follow the link).',
    '',
  ];
  for (const section of apiSections(indexSource)) {
    lines.push(`## ${section.title}`, '');
    const byModule = new Map<string, { values: string[]; types: string[] }>();
    for (const e of section.exports) {
      const entry = byModule.get(e.from) ?? { values: [], types: [] };
      (e.type ? entry.types : entry.values).push(`\`${e.name}\``);
      byModule.set(e.from, entry);
    }
    for (const [from, { values, types }] of byModule) {
      const parts = [
        ...(values.length > 0 ? [values.join(', ')] : []),
        ...(types.length > 0 ? [`types ${types.join(', ')}`] : []),
      ];
      lines.push(`- ${parts.join('; ')}: ${sourceLink(from)}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
