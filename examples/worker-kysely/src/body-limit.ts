/**
 * One cap on every request body, checked before any route reads it: a note is at most 10,000 characters
 * and better-auth's JSON a few hundred bytes, so nothing this Worker accepts comes near it.
 *
 * @module
 */
import { HttpError } from "./http-error.js";

/** The largest request body the Worker reads, in bytes; @acme/auth-d1 holds `/api/auth/*` to 64 KiB too. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * `request` with a body of at most `maxBytes`, or a 413 `PAYLOAD_TOO_LARGE`. A declared `Content-Length`
 * over the cap is refused unread; a body streamed without one is read up to the cap and no further.
 *
 * @example
 * ```ts
 * request = await limitBody(request, MAX_BODY_BYTES);
 * ```
 */
export async function limitBody(request: Request, maxBytes: number): Promise<Request> {
  if (request.body === null) return request;
  const declared = request.headers.get("content-length");
  // workerd delivers exactly Content-Length bytes, so a declared length is the true one.
  if (declared !== null && !request.headers.has("transfer-encoding")) {
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
    return request;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(request, { body });
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${maxBytes} bytes.`);
}
