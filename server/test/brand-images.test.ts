import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startTestServer, type TestServer } from './harness';

const imageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-images-'));
let t: TestServer;
let op: { token: string };
beforeAll(async () => {
  t = await startTestServer({ env: { IMAGE_DIR: imageDir } });
  op = await t.staffToken('operator');
});
afterAll(async () => {
  await t.close();
  fs.rmSync(imageDir, { recursive: true, force: true });
});

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c8a063' } })
    .png()
    .toBuffer();

async function upload(body: Buffer | Blob | FormData, contentType?: string, token = op.token) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`${t.url}/api/admin/images`, { method: 'POST', headers, body: body as BodyInit });
  return { status: res.status, body: (await res.json()) as any };
}

test('a PNG upload is stored and served at three widths, immutable; unknown variants are 404', async () => {
  const up = await upload(await png(1200, 800), 'image/png');
  expect(up.status).toBe(201);
  expect(up.body).toMatchObject({ width: 1200, height: 800, contentType: 'image/png' });
  expect(up.body.url).toBe(`/images/${up.body.id}-480.png`);
  for (const w of [160, 480, 960]) {
    const res = await fetch(`${t.url}/images/${up.body.id}-${w}.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', w, Math.round((800 * w) / 1200)]);
  }
  for (const p of [`${up.body.id}-300.png`, `${up.body.id}-480.jpg`, '999999-480.png', 'x.png', '../secret']) {
    const res = await fetch(`${t.url}/images/${p}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).code).toBe('NOT_FOUND');
  }
});

test('a small image is never enlarged; a lost variant is made again from the original on request', async () => {
  const up = await upload(await png(100, 50), 'image/png');
  expect(up.status).toBe(201);
  fs.rmSync(path.join(imageDir, `${up.body.id}-960.png`));
  const res = await fetch(`${t.url}/images/${up.body.id}-960.png`);
  expect(res.status).toBe(200);
  expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(100);
  expect(fs.existsSync(path.join(imageDir, `${up.body.id}-960.png`))).toBe(true);
});

test('multipart uploads work; the type comes from the content, not the name or the header', async () => {
  const form = new FormData();
  form.append(
    'file',
    new Blob([
      await sharp(await png(640, 640))
        .jpeg()
        .toBuffer(),
    ]),
    'photo.jpg',
  );
  const ok = await upload(form);
  expect(ok.status).toBe(201);
  expect(ok.body.url).toMatch(/^\/images\/\d+-480\.jpg$/);

  const before = fs.readdirSync(imageDir).length;
  const text = Buffer.from('this is a text file, not a picture\n'.repeat(10));
  const renamed = new FormData();
  renamed.append('file', new Blob([text], { type: 'image/png' }), 'fake.png');
  const r1 = await upload(renamed);
  expect([r1.status, r1.body.code]).toEqual([415, 'IMAGE_TYPE_UNSUPPORTED']);
  const r2 = await upload(text, 'image/png');
  expect([r2.status, r2.body.code]).toEqual([415, 'IMAGE_TYPE_UNSUPPORTED']);
  const r3 = await upload(text, 'text/plain');
  expect([r3.status, r3.body.code]).toEqual([415, 'IMAGE_TYPE_UNSUPPORTED']);
  // PNG magic bytes followed by garbage: the right type, but not a readable picture.
  const broken = Buffer.concat([(await png(10, 10)).subarray(0, 16), Buffer.alloc(200, 7)]);
  const r4 = await upload(broken, 'image/png');
  expect([r4.status, r4.body.code]).toEqual([400, 'IMAGE_INVALID']);
  expect(fs.readdirSync(imageDir).length).toBe(before);
});

test('more than 5 MB is refused with 413; only operators upload', async () => {
  const big = Buffer.concat([await png(10, 10), Buffer.alloc(5 * 1024 * 1024)]);
  const r = await upload(big, 'image/png');
  expect([r.status, r.body.code]).toEqual([413, 'BODY_TOO_LARGE']);
  const staff = await t.staffToken('staff');
  const s = await upload(await png(10, 10), 'image/png', staff.token);
  expect(s.status).toBe(403);
  const none = await fetch(`${t.url}/api/admin/images`, { method: 'POST', body: await png(10, 10) });
  expect(none.status).toBe(401);
});

test('a benefit shows the image given by id; an unknown id is refused; null removes it', async () => {
  const up = await upload(await png(800, 800), 'image/png');
  const base = { title: '咖啡券', costPoints: 100, stock: 10, validDays: 30 };
  const created = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { ...base, imageId: up.body.id },
  });
  expect(created.status).toBe(201);
  expect(created.body.imageUrl).toBe(`/images/${up.body.id}-480.png`);
  const m = await t.login('brand-benefit');
  const list = await t.http('GET', '/api/benefits', { token: m.token });
  expect(list.body.items.find((b: any) => b.id === created.body.id).imageUrl).toBe(up.body.url);
  expect((await fetch(t.url + list.body.items[0].imageUrl)).status).toBe(200);

  const unknown = await t.http('POST', '/api/admin/benefits', {
    token: op.token,
    body: { ...base, imageId: '987654' },
  });
  expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  const cleared = await t.http('PATCH', `/api/admin/benefits/${created.body.id}`, {
    token: op.token,
    body: { imageId: null },
  });
  expect(cleared.body.imageUrl).toBeNull();
  const plain = await t.http('POST', '/api/admin/benefits', { token: op.token, body: base });
  expect(plain.body.imageUrl).toBeNull();
});

test('the brand: defaults, an ETag and 304, then an operator change (validated) seen by clients', async () => {
  const first = await t.http('GET', '/api/brand');
  expect(first.status).toBe(200);
  expect(first.body).toEqual({
    name: '会员',
    logoUrl: null,
    cardBackgroundUrl: null,
    primaryColor: '#1f1f2e',
    accentColor: '#c8a063',
  });
  expect(first.headers.get('cache-control')).toBe('public, max-age=60');
  const etag = first.headers.get('etag')!;
  expect(etag).toBeTruthy();
  // fetch() adds `Cache-Control: no-cache` to a conditional request unless told otherwise.
  const conditional = { 'if-none-match': etag, 'cache-control': 'max-age=0' };
  const again = await fetch(`${t.url}/api/brand`, { headers: conditional });
  expect(again.status).toBe(304);

  const logo = await upload(await png(300, 300), 'image/png');
  const value = {
    name: '茶语会员',
    logoUrl: logo.body.url,
    cardBackgroundUrl: 'https://cdn.example.com/card.png',
    primaryColor: '#0A3D62',
    accentColor: '#e58e26',
  };
  const bad = await t.http('PUT', '/api/admin/settings', {
    token: op.token,
    body: { key: 'brand', value: { ...value, primaryColor: 'blue' } },
  });
  expect(bad.status).toBe(400);
  const put = await t.http('PUT', '/api/admin/settings', { token: op.token, body: { key: 'brand', value } });
  expect(put.status).toBe(200);
  // Each instance caches settings for a few seconds; this one was just told.
  const after = await fetch(`${t.url}/api/brand`, { headers: conditional });
  expect(after.status).toBe(200);
  expect(await after.json()).toEqual({ ...value, primaryColor: '#0a3d62' });
  expect(after.headers.get('etag')).not.toBe(etag);
});

test('with an H5 build served at /, a missing image is still a 404, never the index page', async () => {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'hy-site-'));
  fs.writeFileSync(path.join(site, 'index.html'), '<html>app</html>');
  const s = await startTestServer({ env: { IMAGE_DIR: imageDir, STATIC_DIR: site } });
  try {
    expect(await (await fetch(`${s.url}/some/page`)).text()).toBe('<html>app</html>');
    for (const p of ['/images/999999-480.png', '/images/', '/images/nothing']) {
      const res = await fetch(s.url + p);
      expect([p, res.status]).toEqual([p, 404]);
    }
  } finally {
    await s.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});

test('the new endpoints are in the OpenAPI document', async () => {
  const doc = await t.http('GET', '/api/openapi.json');
  const upload = doc.body.paths['/api/admin/images'].post;
  expect(upload.responses['415'].description).toContain('IMAGE_TYPE_UNSUPPORTED');
  expect(upload.responses['413'].description).toContain('BODY_TOO_LARGE');
  expect(Object.keys(upload.requestBody.content)).toEqual([
    'image/png',
    'image/jpeg',
    'image/webp',
    'multipart/form-data',
  ]);
  expect(doc.body.paths['/api/brand'].get.security).toEqual([]);
  expect(doc.body.paths['/api/staff/shift-summary'].get).toBeDefined();
});
