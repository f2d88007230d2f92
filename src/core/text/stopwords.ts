/** Function words of English: they say nothing about code. */
export const STOPWORDS: ReadonlySet<string> = new Set(`
a an and are as at be been being but by can could did do does doing done for from had has have having he her
here him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
out over own same she should so some such than that the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
also any each either every via vs etc eg ie yet still already instead now even much many really
able about after again against all am before below between both during few further once
don doesn didn isn aren wasn weren won wouldn couldn shouldn cannot hasn haven hadn let lets
`.split(/\s+/).filter(Boolean));

/**
 * Whether a word is worth a place in the index or a query: not a function word, not a single character (`t`,
 * `x`, `0` match loop variables and literals everywhere and nothing in particular). The index and the queries
 * use the same test, so leaving these words out of the index loses nothing a query could find.
 */
export function isSearchable(word: string): boolean {
  return word.length > 1 && !STOPWORDS.has(word);
}
