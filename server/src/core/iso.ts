/** An epoch-ms column (a number, or a string from some drivers) as an ISO instant for a response. */
export const isoAt = (ms: number | string): string => new Date(Number(ms)).toISOString();

/** The same for a column that may be empty: null stays null. */
export const isoOf = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
