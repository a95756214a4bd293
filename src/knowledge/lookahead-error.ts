import { AiplabError } from '../util/errors.js';

/**
 * Thrown when code asks the knowledge base for a view that could see day D or later (DESIGN §3: a model can never
 * read day D), or uses a view after the knowledge base has folded further. Always a programming error of the caller
 * (the backtest), never bad data.
 */
export class LookaheadError extends AiplabError {
  override name = 'LookaheadError';
}
