/**
 * A GB18030 encoder (Node decodes GB18030 with TextDecoder but cannot encode it). Chinese Excel opens a CSV in
 * the system code page, GB18030 on Chinese Windows, so a download for it must be encoded so.
 * The table is the decoder's own, inverted: every two-byte sequence and every four-byte sequence of the Basic
 * Multilingual Plane is decoded once (lazily, the first time; about 63,000 sequences, tens of milliseconds) and
 * each character keeps the first sequence that decodes to it, so encode then decode gives back the text exactly.
 * Characters beyond the BMP are algorithmic (four bytes from 0x90308130). No dependency and no table in the bundle.
 * Limits: about 20 private-use characters (U+E5E5, U+E78D-E796, ...) that the WHATWG decoder maps elsewhere have no
 * sequence here and are written as `?`; no name or county is written with them.
 */
let table: Map<number, number[]> | undefined;

function buildTable(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  const decoder = new TextDecoder('gb18030');
  const keep = (bytes: number[]) => {
    const s = decoder.decode(new Uint8Array(bytes));
    if (s.length !== 1 || s === '\uFFFD') return; // not a valid sequence: it decodes to a replacement
    const cp = s.charCodeAt(0);
    if (cp >= 0x80 && !map.has(cp)) map.set(cp, bytes);
  };
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) keep([lead, trail]);
  }
  // Four-byte sequences of the BMP: linear index 0..39419 (0x81308130..0x8431A439).
  for (let i = 0; i <= 39419; i++) keep(fourBytes(0x81, i));
  map.set(0xfffd, fourBytes(0x81, 39417)); // U+FFFD has a sequence of its own (0x8431A437), skipped above as "invalid"
  return map;
}

function fourBytes(base: number, index: number): number[] {
  const b4 = 0x30 + (index % 10);
  index = Math.floor(index / 10);
  const b3 = 0x81 + (index % 126);
  index = Math.floor(index / 126);
  const b2 = 0x30 + (index % 10);
  const b1 = base + Math.floor(index / 10);
  return [b1, b2, b3, b4];
}

export function encodeGb18030(text: string): Uint8Array {
  table ??= buildTable();
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) out.push(cp);
    else if (cp >= 0x10000) out.push(...fourBytes(0x90, cp - 0x10000));
    else out.push(...(table.get(cp) ?? [0x3f])); // a lone surrogate has no encoding: '?'
  }
  return Uint8Array.from(out);
}
