/**
 * Code 128 for the member code under the QR: counter scanners read 1D codes
 * faster than QR. Digits are packed two per symbol (code set C); an odd last
 * digit switches to code set B. Output is the bar/space module widths, so it
 * can be drawn with Views on every platform.
 */

// Module widths (bar, space, bar, space, bar, space) of symbol values 0..105,
// per ISO/IEC 15417. Each adds up to 11 modules.
const PATTERNS = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
];
const STOP = '2331112';
const START_C = 105;
const CODE_B = 100;

export const code128Patterns = PATTERNS;

/** Symbol values for a digit string: start C, pairs, optional switch to B + last digit, checksum. */
export function code128Values(digits: string): number[] {
  if (!/^[0-9]+$/.test(digits)) throw new Error('code128Values: digits only');
  const values = [START_C];
  let i = 0;
  for (; i + 1 < digits.length; i += 2) values.push(Number(digits.slice(i, i + 2)));
  if (i < digits.length) values.push(CODE_B, digits.charCodeAt(i) - 32);
  // Checksum: start value + sum of position * value, mod 103.
  let sum = values[0];
  for (let p = 1; p < values.length; p++) sum += p * values[p];
  values.push(sum % 103);
  return values;
}

/** Alternating bar/space widths in modules, starting with a bar, stop pattern included. */
export function code128Widths(digits: string): number[] {
  const widths: number[] = [];
  for (const v of code128Values(digits)) for (const ch of PATTERNS[v]) widths.push(Number(ch));
  for (const ch of STOP) widths.push(Number(ch));
  return widths;
}
