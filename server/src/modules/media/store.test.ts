import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDb, type TestDb } from '../../../test/db';
import { imageById, insertImage } from './store';
import { DiskImageStore } from './image-store';
import { sniffImageType } from './sniff';
import { firstFilePart } from './multipart';
import { imageUrl, parseVariantName } from './urls';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

test('an image row is written and read back by id', async () => {
  const id = await t.db.tx((q) =>
    insertImage(
      q,
      { contentType: 'image/png', ext: 'png', width: 10, height: 20, bytes: 300, sha256: 'a'.repeat(64), createdBy: 7 },
      1_000,
    ),
  );
  const row = await t.db.read((q) => imageById(q, id));
  expect(row).toMatchObject({ content_type: 'image/png', ext: 'png', sha256: 'a'.repeat(64) });
  expect([row!.width, row!.height, row!.bytes, row!.created_by, row!.created_at].map(Number)).toEqual([
    10, 20, 300, 7, 1_000,
  ]);
  expect(await t.db.read((q) => imageById(q, id + 1000))).toBeUndefined();
});

test('the disk store puts, gets and deletes by name, and refuses names that are not image names', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-store-'));
  const s = new DiskImageStore(path.join(dir, 'nested'));
  await s.put('12-480.png', Buffer.from('abc'));
  expect((await s.get('12-480.png'))?.toString()).toBe('abc');
  expect(await s.get('13.png')).toBeNull();
  await s.delete('12-480.png');
  expect(await s.get('12-480.png')).toBeNull();
  await expect(s.get('../etc/passwd')).rejects.toThrow('bad image name');
  await expect(s.put('a/b.png', Buffer.from('x'))).rejects.toThrow('bad image name');
  expect(fs.readdirSync(path.join(dir, 'nested'))).toEqual([]); // no temporary file left behind
  fs.rmSync(dir, { recursive: true, force: true });
});

test('types come from magic bytes; names and links are parsed strictly', () => {
  expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
  expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
  expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
  expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  expect(imageUrl('12.png')).toBe('/images/12-480.png');
  expect(imageUrl('12.jpg', 160)).toBe('/images/12-160.jpg');
  expect(imageUrl(null)).toBeNull();
  expect(parseVariantName('12-960.webp')).toEqual({ id: 12, width: 960, ext: 'webp' });
  for (const bad of ['12.png', '0-480.png', '12-480.PNG', '12-480.png/x', '-1-480.png'])
    expect(parseVariantName(bad)).toBeNull();
});

test('the first file of a multipart form is found; a form without one gives null', () => {
  const body = (parts: string[], b = 'XyZ') =>
    Buffer.from(`${parts.map((p) => `--${b}\r\n${p}\r\n`).join('')}--${b}--\r\n`);
  const form = body([
    'Content-Disposition: form-data; name="title"\r\n\r\nhello',
    'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nBYTES\r\nMORE',
  ]);
  expect(firstFilePart(form, 'multipart/form-data; boundary=XyZ')?.toString()).toBe('BYTES\r\nMORE');
  expect(firstFilePart(form, 'multipart/form-data; boundary="XyZ"')?.toString()).toBe('BYTES\r\nMORE');
  expect(
    firstFilePart(
      body(['Content-Disposition: form-data; name="title"\r\n\r\nhello']),
      'multipart/form-data; boundary=XyZ',
    ),
  ).toBeNull();
  expect(firstFilePart(form, 'multipart/form-data')).toBeNull();
});
