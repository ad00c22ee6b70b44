// import: the bytes of a legacy export → text. Pure: no AWS, no file system.
//
// A file must be UTF-8 (a leading byte order mark is fine: Excel writes one). Anything
// else is refused rather than decoded with U+FFFD in place of every Vietnamese letter:
// "Nguy�n" would pass the schema and be stored for good. Many Vietnamese offices still
// type in the pre-Unicode code pages, so when the bytes look like one of them the error
// says which one and how to convert.
//
// How the two legacy code pages write Vietnamese (one byte per character):
// - TCVN3 (ABC, TCVN 5712:1993): each accented vowel is ONE byte. 0xA1–0xAE hold
//   ă â ê ô ơ ư đ and the capitals Ă Â Ê Ô Ơ Ư Đ, 0xB5–0xFE the toned vowels
//   (à 0xB5, ả 0xB6, á 0xB8, ễ 0xD4, ệ 0xD6, ọ 0xE4…). "Họ và tên" = `H\xE4 v\xB5 t\xAAn`.
// - VNI-Windows: an ASCII vowel followed by a mark byte (0xE0–0xFF, capitals 0xC0–0xDF:
//   acute 0xF9, grave 0xF8, hook 0xFB, tilde 0xF5, dot 0xEF, circumflex 0xE2…), plus
//   đ 0xF1, ơ 0xF4, ư 0xF6. "Họ và tên" = `Ho\xEF va\xF8 te\xE2n`.
// So a byte in 0xA1–0xBF is TCVN3's (VNI uses none there), and high bytes that mostly
// follow an ASCII vowel are VNI's marks.

/** The legacy Vietnamese code pages a hint can name. */
export type LegacyVietnameseEncoding = 'TCVN3' | 'VNI-Windows';

/** Bytes that are not UTF-8; `line` is where the first bad byte is (1-based). */
export class NotUtf8Error extends Error {
  constructor(
    readonly line: number,
    readonly legacy: LegacyVietnameseEncoding | undefined,
  ) {
    super(
      `line ${line}: the file is not UTF-8` +
        (legacy
          ? `; it looks like ${legacy} (a pre-Unicode Vietnamese encoding): convert it to Unicode UTF-8 first (e.g. Unikey's converter, from ${legacy === 'TCVN3' ? 'TCVN3 (ABC)' : 'VNI Windows'} to Unicode)`
          : '; save it as "CSV UTF-8" (or convert it from its legacy encoding, e.g. TCVN3, VNI-Windows or Windows-1258, to Unicode UTF-8)'),
    );
    this.name = 'NotUtf8Error';
  }
}

const BOM = [0xef, 0xbb, 0xbf];
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The file's text: strict UTF-8, a leading byte order mark dropped.
 * @throws NotUtf8Error on the first byte sequence that is not UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const body = BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes;
  try {
    return fatalUtf8.decode(body);
  } catch {
    const at = firstInvalidUtf8(body);
    let line = 1;
    for (let i = 0; i < at; i++) if (body[i] === 0x0a) line += 1;
    throw new NotUtf8Error(line, guessLegacyVietnamese(body));
  }
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or the length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return bytes.length;
}

/** The length of the well-formed sequence at `i`, or 0 (overlongs, surrogates and > U+10FFFF are not). */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => b[i + k] !== undefined && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

const ASCII_VOWELS = new Set([...'aeiouyAEIOUY'].map((c) => c.charCodeAt(0)));
/** VNI's standalone letters: đ Đ ơ Ơ ư Ư (a mark may follow them). */
const VNI_LETTERS = new Set([0xf1, 0xd1, 0xf4, 0xd4, 0xf6, 0xd6]);

/**
 * Which legacy Vietnamese code page these (non-UTF-8) bytes look like, if any: a
 * heuristic over the bytes ≥ 0x80 (see the top of the file). Needs a few of them; a
 * file in another encoding (Latin-1, Windows-1258) usually gets `undefined`.
 */
export function guessLegacyVietnamese(bytes: Uint8Array): LegacyVietnameseEncoding | undefined {
  let high = 0;
  let tcvnOnly = 0;
  let afterVowel = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c < 0x80) continue;
    high += 1;
    if (c >= 0xa1 && c <= 0xbf) tcvnOnly += 1;
    const prev = bytes[i - 1];
    if (prev !== undefined && (ASCII_VOWELS.has(prev) || VNI_LETTERS.has(prev) || VNI_LETTERS.has(c))) afterVowel += 1;
  }
  if (high < 3) return undefined;
  if (tcvnOnly / high >= 0.2) return 'TCVN3';
  if (afterVowel / high >= 0.8) return 'VNI-Windows';
  return undefined;
}
