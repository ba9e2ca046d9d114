// Strict standard base64, the way Go's encoding/json writes []byte fields (RFC 4648 alphabet, with padding).
// Buffer.from(s, 'base64') silently skips junk and accepts the URL alphabet, so key material read from a
// file goes through this check first: a damaged key file must be reported, not half-decoded.

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * decodeBase64 decodes `value` as padded standard base64, or returns undefined when `value` is not a
 * string of that form. Callers turn undefined into an error naming the field.
 */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !BASE64_PATTERN.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  // Non-canonical trailing bits ("QQ==" vs "QR==") decode to the same bytes; Go accepts them too, so we do.
  return bytes;
}

/** encodeBase64 writes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
