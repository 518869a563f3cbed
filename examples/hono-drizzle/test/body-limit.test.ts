import { describe, expect, it } from "vitest";
import { uniqueEmail } from "./support.js";
import { call, captureMailLog, signUp } from "./worker.js";

captureMailLog();

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A form body of `bytes` bytes (`password=aaaa...`) that counts how much of it the Worker pulled. */
function countingForm(bytes: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(CHUNK, bytes - sent);
      if (size <= 0) return controller.close();
      const chunk = new Uint8Array(size).fill(0x61);
      if (sent === 0) chunk.set(new TextEncoder().encode("password="));
      sent += size;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => sent };
}

describe("request bodies", () => {
  it("an 8 MB form to /profile/two-factor gets 413 JSON, unread, with or without a Content-Length", async () => {
    const cookie = await signUp(uniqueEmail());
    for (const declared of [true, false]) {
      const { body, pulled } = countingForm(8 * MB);
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
      if (declared) headers["content-length"] = String(8 * MB);

      const res = await call("/profile/two-factor", { method: "POST", body, cookie, headers });

      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      // At most the 64 KiB cap and the chunk that crossed it: the rest of the 8 MB was never read.
      expect(pulled()).toBeLessThanOrEqual(4 * CHUNK);
    }
  });

});
