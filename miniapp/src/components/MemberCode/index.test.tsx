import { render, screen } from '@testing-library/react';
import MemberCode, { groupDigits } from './index';
import { qrMatrix, toRuns } from './qr';
import { code128Patterns, code128Values, code128Widths } from './code128';

const CODE = '10000000071234567890';

describe('qr matrix', () => {
  it('encodes a 20-digit member code in a 21x21 symbol with the three finder patterns', () => {
    const m = qrMatrix(CODE);
    expect(m).toHaveLength(21);
    for (const row of m) expect(row).toHaveLength(21);
    // Finder pattern corners: a dark 7x7 ring at top-left, top-right, bottom-left.
    for (const [r0, c0] of [
      [0, 0],
      [0, 14],
      [14, 0],
    ]) {
      for (let i = 0; i < 7; i++) {
        expect(m[r0][c0 + i]).toBe(true);
        expect(m[r0 + 6][c0 + i]).toBe(true);
        expect(m[r0 + i][c0]).toBe(true);
      }
      expect(m[r0 + 1][c0 + 1]).toBe(false);
      expect(m[r0 + 3][c0 + 3]).toBe(true);
    }
  });

  it('runs round-trip to the row', () => {
    for (const row of qrMatrix(CODE)) {
      const back: boolean[] = [];
      toRuns(row).forEach((len, i) => {
        for (let k = 0; k < len; k++) back.push(i % 2 === 1);
      });
      expect(back).toEqual(row);
    }
  });

  it('changes with the code', () => {
    expect(qrMatrix('12345678')).not.toEqual(qrMatrix('12345679'));
  });
});

describe('code 128', () => {
  it('has 106 distinct symbol patterns of 11 modules with even bar and odd space sums', () => {
    expect(new Set(code128Patterns).size).toBe(106);
    for (const p of code128Patterns) {
      const w = [...p].map(Number);
      expect(w.reduce((a, b) => a + b, 0)).toBe(11);
      expect((w[0] + w[2] + w[4]) % 2).toBe(0);
      expect((w[1] + w[3] + w[5]) % 2).toBe(1);
    }
  });

  it('packs digit pairs in code set C with the mod-103 checksum', () => {
    // Start C (105), 12, 34, 56 -> check = (105 + 1*12 + 2*34 + 3*56) % 103 = 353 % 103 = 44.
    expect(code128Values('123456')).toEqual([105, 12, 34, 56, 44]);
    // Odd length: Code B (100) then '7' (value 23).
    expect(code128Values('1234567')).toEqual([105, 12, 34, 56, 100, 23, (105 + 12 + 68 + 168 + 400 + 5 * 23) % 103]);
  });

  it('gives 11 modules per symbol and 13 for the stop', () => {
    const w = code128Widths('123456');
    expect(w.reduce((a, b) => a + b, 0)).toBe(5 * 11 + 13);
    expect(() => code128Widths('12a')).toThrow();
  });
});

describe('<MemberCode>', () => {
  it('renders the QR matrix as runs that add up to the symbol width, and the digits grouped', () => {
    render(<MemberCode code={CODE} />);
    const qr = screen.getByTestId('member-code-qr');
    expect(qr.getAttribute('data-size')).toBe('21');
    const rows = screen.getAllByTestId('member-code-row');
    expect(rows).toHaveLength(21);
    const matrix = qrMatrix(CODE);
    rows.forEach((row, r) => {
      const cells: boolean[] = [];
      for (const el of Array.from(row.children)) {
        const len = Number(el.getAttribute('data-run'));
        for (let k = 0; k < len; k++) cells.push(el.className.includes('mc-dark'));
      }
      expect(cells).toEqual(matrix[r]);
    });
    expect(screen.getByTestId('member-code-digits').textContent).toBe('1000 0000 0712 3456 7890');
    expect(Number(screen.getByTestId('member-code-bar').getAttribute('data-modules'))).toBe(
      code128Widths(CODE).reduce((a, b) => a + b, 0),
    );
  });

  it('skips the barcode for a non-numeric code and dims a stale code', () => {
    const { container } = render(<MemberCode code="VOUCHER-AB12" stale />);
    expect(screen.queryByTestId('member-code-bar')).toBeNull();
    expect(container.querySelector('.member-code--stale')).not.toBeNull();
  });

  it('groups digits by four', () => {
    expect(groupDigits('123456789')).toBe('1234 5678 9');
  });
});
