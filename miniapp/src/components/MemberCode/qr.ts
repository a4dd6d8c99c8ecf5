import qrcode from 'qrcode-generator';

/** One row of a QR matrix as alternating runs, starting with a light run (which may be 0 long). */
export type Runs = number[];

/**
 * QR matrix for a member code. Digits use numeric mode (3.3 bits per digit) so
 * a 20-digit code fits a 21x21 symbol; level M survives a scratched or
 * glare-washed phone screen. Anything else falls back to byte mode.
 */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, /^[0-9]+$/.test(text) ? 'Numeric' : 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const rows: boolean[][] = [];
  for (let r = 0; r < n; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < n; c++) row.push(qr.isDark(r, c));
    rows.push(row);
  }
  return rows;
}

/**
 * Run-length form of a row. Drawing runs instead of single modules cuts the
 * number of nodes the mini-program has to diff and paint by about 3x.
 */
export function toRuns(row: boolean[]): Runs {
  const runs: number[] = [];
  let dark = false;
  let len = 0;
  for (const cell of row) {
    if (cell === dark) len++;
    else {
      runs.push(len);
      dark = cell;
      len = 1;
    }
  }
  runs.push(len);
  return runs;
}
