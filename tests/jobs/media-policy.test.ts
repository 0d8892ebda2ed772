import { describe, expect, test } from "bun:test";
import { isPublicAddress } from "../../src/net/address.ts";
import { checkMedia } from "../../src/media/policy.ts";

const policy = { maxBytes: 16, allowPrivateUrls: false, resolve: async () => ["93.184.215.14"] };

describe("addresses", () => {
  test("public ones pass; private, loopback, link-local and other non-public ones do not", () => {
    for (const a of ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]) expect([a, isPublicAddress(a)]).toEqual([a, true]);
    const refused = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.10", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip"];
    for (const a of refused) expect([a, isPublicAddress(a)]).toEqual([a, false]);
  });

  test("6to4 (2002::/16) is judged by the IPv4 address in bits 16 to 48", () => {
    for (const a of ["2002:808:808::1", "2002:5db8:d70e::", "2002:0808:0808:1234:5678:9abc:def0:1"]) expect([a, isPublicAddress(a)]).toEqual([a, true]);
    // 127.0.0.1, 10.0.0.1, 192.168.1.1, 169.254.169.254, 0.0.0.0, 100.64.0.1, 224.0.0.1
    const refused = ["2002:7f00:1::", "2002:7f00:0001:ffff::1", "2002:a00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::", "2002::", "2002:6440:1::", "2002:e000:1::"];
    for (const a of refused) expect([a, isPublicAddress(a)]).toEqual([a, false]);
  });

  test("NAT64: the well-known prefix 64:ff9b::/96 is judged by its IPv4 address; local-use 64:ff9b:1::/48 is private", () => {
    for (const a of ["64:ff9b::808:808", "64:ff9b::8.8.8.8", "64:ff9b::5db8:d70e"]) expect([a, isPublicAddress(a)]).toEqual([a, true]);
    const refused = ["64:ff9b::7f00:1", "64:ff9b::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::808:808", "64:ff9b:1::8.8.8.8", "64:ff9b:1:ffff::1", "64:ff9b:1::"];
    for (const a of refused) expect([a, isPublicAddress(a)]).toEqual([a, false]);
  });

  test("IPv6 outside global unicast 2000::/3, documentation ranges and IPv4-mapped spellings", () => {
    const refused = ["::7f00:1", "::127.0.0.1", "::ffff:0:7f00:1", "100::1", "2001:db8::1", "3fff::1", "ff02::1", "fec0::1", "fe80::1%eth0", "::ffff:7f00:1", "0:0:0:0:0:ffff:a9fe:a9fe"];
    for (const a of refused) expect([a, isPublicAddress(a)]).toEqual([a, false]);
    for (const a of ["::ffff:8.8.8.8", "::ffff:808:808", "2a00:1450:4001::200e", "2001:4860:4860::8888"]) expect([a, isPublicAddress(a)]).toEqual([a, true]);
  });
});

describe("base64 media", () => {
  test("valid base64 within the limit passes, padded, unpadded, URL-safe or with line breaks", async () => {
    for (const m of ["aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybGQ", "-_-_", "aGVs\r\nbG8=", "data:application/pdf;base64,aGVsbG8="]) expect([m, await checkMedia(m, policy)]).toEqual([m, undefined]);
  });

  test("size is the decoded size", async () => {
    expect(await checkMedia(Buffer.alloc(16).toString("base64"), policy)).toBeUndefined();
    expect(await checkMedia(Buffer.alloc(17).toString("base64"), policy)).toMatchObject({ code: "MEDIA_TOO_LARGE" });
  });

  test("what is not base64", async () => {
    for (const m of ["a", "aGVsbG8=x", "ab=c", "aGVs bG8=", "data:image/png;base64,@@@@"]) expect([m, (await checkMedia(m, policy))?.code]).toEqual([m, "MEDIA_INVALID"]);
  });
});

describe("media URLs", () => {
  test("ALLOW_PRIVATE_MEDIA_URLS lets private hosts through (for the simulator)", async () => {
    expect(await checkMedia("http://127.0.0.1:9000/a.jpg", { ...policy, allowPrivateUrls: true })).toBeUndefined();
    expect(await checkMedia("http://127.0.0.1:9000/a.jpg", policy)).toMatchObject({ code: "MEDIA_URL_FORBIDDEN" });
  });

  test("only http and https are fetched", async () => {
    for (const m of ["ftp://example.com/a", "gopher://example.com/", "javascript:alert(1)", "file:///etc/passwd"]) expect([m, (await checkMedia(m, policy))?.code]).toEqual([m, "MEDIA_INVALID"]);
    expect(await checkMedia("HTTPS://cdn.example.com/a.jpg", policy)).toBeUndefined();
  });
});
