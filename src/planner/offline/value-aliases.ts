// Well-known alternative names for dimension values: a question says
// "California" while the column holds "CA" (and the other way round). Only
// unambiguous, widely used codes are listed.

const US_STATES: Array<[string, string]> = [
  ['AL', 'Alabama'], ['AK', 'Alaska'], ['AZ', 'Arizona'], ['AR', 'Arkansas'], ['CA', 'California'], ['CO', 'Colorado'],
  ['CT', 'Connecticut'], ['DE', 'Delaware'], ['FL', 'Florida'], ['GA', 'Georgia'], ['HI', 'Hawaii'], ['ID', 'Idaho'],
  ['IL', 'Illinois'], ['IN', 'Indiana'], ['IA', 'Iowa'], ['KS', 'Kansas'], ['KY', 'Kentucky'], ['LA', 'Louisiana'],
  ['ME', 'Maine'], ['MD', 'Maryland'], ['MA', 'Massachusetts'], ['MI', 'Michigan'], ['MN', 'Minnesota'], ['MS', 'Mississippi'],
  ['MO', 'Missouri'], ['MT', 'Montana'], ['NE', 'Nebraska'], ['NV', 'Nevada'], ['NH', 'New Hampshire'], ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'], ['NY', 'New York'], ['NC', 'North Carolina'], ['ND', 'North Dakota'], ['OH', 'Ohio'], ['OK', 'Oklahoma'],
  ['OR', 'Oregon'], ['PA', 'Pennsylvania'], ['RI', 'Rhode Island'], ['SC', 'South Carolina'], ['SD', 'South Dakota'],
  ['TN', 'Tennessee'], ['TX', 'Texas'], ['UT', 'Utah'], ['VT', 'Vermont'], ['VA', 'Virginia'], ['WA', 'Washington'],
  ['WV', 'West Virginia'], ['WI', 'Wisconsin'], ['WY', 'Wyoming'], ['DC', 'District of Columbia'],
]

const COUNTRIES: Array<[string[], string[]]> = [
  [['US', 'USA'], ['United States', 'United States of America', 'America', 'U.S.', 'U.S.A.']],
  [['GB', 'UK'], ['United Kingdom', 'Great Britain', 'Britain', 'England']],
  [['CA'], ['Canada']], [['MX'], ['Mexico']], [['DE'], ['Germany']], [['FR'], ['France']], [['ES'], ['Spain']],
  [['IT'], ['Italy']], [['NL'], ['Netherlands', 'Holland']], [['JP'], ['Japan']], [['CN'], ['China']], [['IN'], ['India']],
  [['BR'], ['Brazil']], [['AU'], ['Australia']], [['CI'], ["Cote d'Ivoire", 'Ivory Coast']], [['IE'], ['Ireland']],
  [['SE'], ['Sweden']], [['CH'], ['Switzerland']], [['PT'], ['Portugal']], [['PL'], ['Poland']], [['NZ'], ['New Zealand']],
]

const CITIES: Array<[string, string[]]> = [
  ['New York', ['NYC', 'New York City']], ['San Francisco', ['SF']], ['Washington', ['Washington DC', 'Washington D.C.']],
  ['Philadelphia', ['Philly']], ['Las Vegas', ['Vegas']],
]

/** One-letter gender codes of un-curated layers (`gndr_cd` holding F, M). */
const GENDERS: Array<[string, string[]]> = [['M', ['Male', 'Men']], ['F', ['Female', 'Women']]]

/** Alternative spellings of a value, judged by the kind of dimension it belongs to. */
export function valueAliases(value: string, dimensionWords: string[]): string[] {
  const v = value.trim()
  const upper = v.toUpperCase()
  const lower = v.toLowerCase()
  const isState = dimensionWords.some((w) => w === 'state' || w === 'province' || w === 'region')
  const isCountry = dimensionWords.some((w) => w === 'country' || w === 'nation')
  const isCity = dimensionWords.some((w) => w === 'city' || w === 'town' || w === 'metro')
  const isGender = dimensionWords.some((w) => w === 'gender' || w === 'sex' || w === 'gndr')
  const out: string[] = []
  if (isGender) for (const [code, names] of GENDERS) if (upper === code) out.push(...names)
  if (isCity) for (const [name, aliases] of CITIES) if (lower === name.toLowerCase()) out.push(...aliases)
  if (isState) {
    for (const [code, name] of US_STATES) {
      if (upper === code) out.push(name)
      else if (lower === name.toLowerCase()) out.push(code)
    }
  }
  if (isCountry) {
    for (const [codes, names] of COUNTRIES) {
      const all = [...codes, ...names]
      if (all.some((a) => a.toLowerCase() === lower)) out.push(...all.filter((a) => a.toLowerCase() !== lower))
    }
  }
  return out
}
