import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { startApiHarness, type ApiHarness } from "../jobs/support/api-harness.ts";

// What Baileys hands over for a scan: ref, noise key, identity key, adv secret.
const QR = "2@Xk3pQmZ9bL7yWc1vT0sR4uN8aE6dF2gH5jK1lM3nO7pQ9rS,Z2VuZXJhdGVkLW5vaXNlLWtleQ==,aWRlbnRpdHkta2V5LWJhc2U2NA==,YWR2LXNlY3JldA==";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  h.addSession({ id: "scan-me", status: "qr_required", qrCode: QR, qrExpiresAt: Date.now() + 60_000 });
  h.addSession({ id: "expired", status: "qr_required", qrCode: QR, qrExpiresAt: Date.now() - 1000 });
  h.addSession({ id: "linked", status: "connected" });
});
afterAll(() => h.close());

/** Decodes the PNG to pixels and reads the QR back from them, as a phone camera would. */
function readQrFromPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe("the pending QR code", () => {
  test("as a PNG: image/png, a valid PNG header, and it decodes back to the QR string", async () => {
    const res = await h.call("GET", "/api/v1/sessions/scan-me/qr.png");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const png = Buffer.from(await res.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    const width = png.readUInt32BE(16);
    expect(width).toBeGreaterThanOrEqual(200);
    expect(png.readUInt32BE(20)).toBe(width);
    expect(readQrFromPng(png)).toBe(QR);
  });

  test("as an SVG: image/svg+xml, a square drawing of dark modules", async () => {
    const res = await h.call("GET", "/api/v1/sessions/scan-me/qr.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    const svg = await res.text();
    expect(svg).toStartWith('<svg xmlns="http://www.w3.org/2000/svg"');
    const [, w, h2] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg) ?? [];
    expect(Number(w)).toBeGreaterThan(21);
    expect(w).toBe(h2);
    expect(svg).toMatch(/<path [^>]*stroke="#000000"[^>]* d="M/);
    expect(svg.trimEnd()).toEndWith("</svg>");
  });

  test("as JSON: the raw string and a PNG data URL of the same code", async () => {
    const res = await h.call("GET", "/api/v1/sessions/scan-me/qr");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; data: { sessionId: string; qr: string; dataUrl: string; expiresAt: string } };
    expect(body.success).toBe(true);
    expect(body.data.sessionId).toBe("scan-me");
    expect(body.data.qr).toBe(QR);
    expect(Date.parse(body.data.expiresAt)).toBeGreaterThan(Date.now());
    expect(body.data.dataUrl).toStartWith("data:image/png;base64,");
    expect(readQrFromPng(Buffer.from(body.data.dataUrl.slice("data:image/png;base64,".length), "base64"))).toBe(QR);
  });

  test("none to show: 404 QR_NOT_AVAILABLE saying why; unknown session: 404 SESSION_NOT_FOUND", async () => {
    for (const [id, why] of [
      ["expired", "expired"],
      ["linked", "already connected"],
    ] as const) {
      for (const form of ["qr", "qr.png", "qr.svg"]) {
        const res = await h.call("GET", `/api/v1/sessions/${id}/${form}`);
        expect(res.status).toBe(404);
        const body = (await res.json()) as { code: string; error: string };
        expect(body.code).toBe("QR_NOT_AVAILABLE");
        expect(body.error).toContain(why);
      }
    }
    expect(await (await h.call("GET", "/api/v1/sessions/nobody/qr.png")).json()).toMatchObject({ code: "SESSION_NOT_FOUND" });
  });
});
