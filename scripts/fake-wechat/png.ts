import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * A small, valid PNG standing in for a mini-program code: a QR-like pattern
 * (three finder squares and modules taken from a hash of the text), so each
 * scene gets its own picture and a decoder or an <Image> can open it.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** The module matrix: 25 x 25, finder patterns in three corners, the rest from SHA-256 of the text. */
export function moduleMatrix(text: string, n = 25): boolean[][] {
  let bits: number[] = [];
  for (let i = 0; bits.length < n * n; i++)
    for (const byte of createHash('sha256').update(`${i}:${text}`).digest())
      for (let b = 7; b >= 0; b--) bits.push((byte >> b) & 1);
  bits = bits.slice(0, n * n);
  const finder = (r: number, c: number) => {
    for (const [fr, fc] of [
      [0, 0],
      [0, n - 7],
      [n - 7, 0],
    ]) {
      const y = r - fr;
      const x = c - fc;
      if (y >= -1 && y <= 7 && x >= -1 && x <= 7) {
        if (y < 0 || x < 0 || y > 6 || x > 6) return false; // the white separator
        return y === 0 || y === 6 || x === 0 || x === 6 || (y >= 2 && y <= 4 && x >= 2 && x <= 4);
      }
    }
    return null;
  };
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) => finder(r, c) ?? bits[r * n + c] === 1),
  );
}

/** An 8-bit greyscale PNG of the text's pattern, `scale` pixels per module, with a 4-module quiet zone. */
export function qrLikePng(text: string, scale = 4): Buffer {
  const m = moduleMatrix(text);
  const quiet = 4;
  const size = (m.length + 2 * quiet) * scale;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1, 0xff);
    row[0] = 0; // filter: none
    const r = Math.floor(y / scale) - quiet;
    for (let x = 0; x < size; x++) {
      const c = Math.floor(x / scale) - quiet;
      if (r >= 0 && c >= 0 && r < m.length && c < m.length && m[r][c]) row[x + 1] = 0;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width, height and whether every chunk's CRC holds: enough to tell a real PNG in tests. */
export function readPng(buf: Buffer): { width: number; height: number; crcOk: boolean } | null {
  if (buf.length < 33 || buf.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') return null;
  let crcOk = true;
  for (let off = 8; off + 12 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    const body = buf.subarray(off + 4, off + 8 + len);
    if (crc32(body) !== buf.readUInt32BE(off + 8 + len)) crcOk = false;
    off += 12 + len;
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), crcOk };
}
