import { describe, expect, it } from 'vitest';
import { multipartFields, parseMultipart } from './multipart';
import { multipartBody } from './testing/inbound';

describe('parseMultipart', () => {
  it('reads fields and files, keeping binary data intact', () => {
    const data = Buffer.from([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
    const { body, contentType } = multipartBody({ a: 'one\r\ntwo', b: 'ünïcode' }, [
      { name: 'f', filename: 'x.bin', contentType: 'application/octet-stream', data },
    ]);
    const parts = parseMultipart(body, contentType);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['a', undefined, undefined],
      ['b', undefined, undefined],
      ['f', 'x.bin', 'application/octet-stream'],
    ]);
    expect(parts[2]?.data.equals(data)).toBe(true);
    expect(multipartFields(parts)).toEqual({ a: 'one\r\ntwo', b: 'ünïcode' });
  });

  it('accepts a quoted boundary and refuses truncated bodies', () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n');
    expect(multipartFields(parseMultipart(body, 'multipart/form-data; boundary="b"'))).toEqual({ x: '1' });
    expect(() => parseMultipart(body.subarray(0, 40), 'multipart/form-data; boundary=b')).toThrow(/truncated/);
  });
});
