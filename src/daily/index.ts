export {
  type DailyFeedList,
  type DailyFeedOptions,
  type DailyFeedResult,
  dailyFeed,
  feedDay,
} from './daily-feed.js';
export { type ClosingRule, closingRuleOf, completeInput, type InputDays } from './input-days.js';
