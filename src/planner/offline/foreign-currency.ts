// "sales in £" answered in US dollars: the tokenizer drops a currency sign it does not read, so the plan gave
// the layer's dollars to a question asking for pounds ("sales in eur", a word, was already left unread and
// refused). A currency sign other than the currency the plan's money metrics are formatted in asks for a
// conversion the layer does not make: a doubt.
import type { SemanticQuery } from '../../../semantic/types'
import type { CatalogIndex } from './catalog-index'

/** Currency signs and the ISO codes they are written for. */
const SIGNS: Record<string, string[]> = { '£': ['GBP'], '€': ['EUR'], '¥': ['JPY', 'CNY'], '₹': ['INR'], '₩': ['KRW'], '₽': ['RUB'] }

/** Why the plan may answer in another currency than the question's sign, or undefined. */
export function foreignCurrency(text: string, query: SemanticQuery, idx: CatalogIndex): string | undefined {
  for (const [sign, codes] of Object.entries(SIGNS)) {
    if (!text.includes(sign)) continue
    for (const name of query.metrics) {
      const format = idx.metrics.get(name)?.format
      if (format?.type === 'currency' && format.currency && !codes.includes(format.currency.toUpperCase())) {
        return `"${sign}" asks for ${codes.join(' or ')}, and ${name} is in ${format.currency}; the layer makes no conversion`
      }
    }
  }
  return undefined
}
