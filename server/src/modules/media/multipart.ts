/**
 * The first file of a multipart/form-data body (RFC 7578), enough for an upload
 * form with one file field. Returns null when the body has no file part.
 */
export function firstFilePart(body: Buffer, contentType: string): Buffer | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headStart = at + delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[headStart] === 0x2d && body[headStart + 1] === 0x2d) return null;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    if (headEnd === -1) return null;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd + 4);
    if (next === -1) return null;
    const head = body.subarray(headStart, headEnd).toString('latin1');
    if (/content-disposition:[^\r\n]*filename=/i.test(head)) return body.subarray(headEnd + 4, next);
    at = next + 2;
  }
  return null;
}
