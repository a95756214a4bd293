import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { formatDay, parseDay } from '../util/dates.js';
import type { ModelContext } from './model-context.js';

function listDays(days: readonly string[]): string {
  return days.length <= 4 ? days.join(', ') : `${days.slice(0, 3).join(', ')}, … ${days[days.length - 1]}`;
}

/** Warns when the view knows nothing (the model then returns an empty list). Returns true if empty. */
export function warnIfNoKnowledge(ctx: ModelContext): boolean {
  if (ctx.knowledge.size > 0) return false;
  ctx.warn('no knowledge before this day (empty history): empty list');
  return true;
}

/**
 * Warns about the days of [fromDay, D-1] the model cannot know: missing days (no table: unknown, treated as
 * contributing nothing, never silently) and days before the knowledge's first day.
 */
export function warnAboutGaps(ctx: ModelContext, fromDay: number, what: string): void {
  const view: KnowledgeView = ctx.knowledge;
  const to = view.day - 1;
  const missing = view.missingDays.filter((d) => {
    const n = parseDay(d)!;
    return n >= fromDay && n <= to;
  });
  if (missing.length > 0) {
    ctx.warn(
      `${what} includes ${missing.length} missing day(s) (${listDays(missing)}): no data, counted as no attacks`,
    );
  }
  const first = view.firstDay === undefined ? undefined : parseDay(view.firstDay);
  if (first !== undefined && fromDay < first) {
    ctx.warn(`${what} starts ${formatDay(fromDay)}, before the knowledge's first day ${view.firstDay}`);
  }
}
