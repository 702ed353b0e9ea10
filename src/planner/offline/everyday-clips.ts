// `inv_stat_cd` described as "Invoice status: O = open, ...": a column name may clip a word to an
// everyday word of its own ("stat"), which the dictionary knows and so no abbreviation rule reads.
// Where the column's own description holds the longer word, the clip is read as it, unless the longer
// word is only another form of the short one ("planned", "shipping", "rates" are not clipped "plan",
// "ship", "rate": the name then says the short word itself).

/** Endings that make another form of a whole word. */
const WORD_ENDINGS = /^(?:s|es|d|ed|ing|ings|er|ers|ment|ments|ly|ness|ful|less|able|ion|ions|ation|ations)$/

/** Whether the everyday word `word` is clipped from `long` ("stat" of status), not the stem of another form of it. */
export function clipOf(word: string, long: string): boolean {
  if (word.length < 4 || long.length < word.length + 2 || !long.startsWith(word)) return false
  const rest = long.slice(word.length)
  // a doubled last consonant before the ending ("plan" + "ned")
  const after = rest[0] === word[word.length - 1] ? rest.slice(1) : rest
  return !WORD_ENDINGS.test(rest) && !WORD_ENDINGS.test(after)
}
