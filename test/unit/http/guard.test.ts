// The request checks of lib/http/guard.ts on plain Request objects: the same-origin rule for
// cookie-authenticated writes, and body limits counted while the body streams.
import { describe, expect, it } from "vitest";
import { checkCookieWrite, jsonObject, JSON_TYPES, readJsonBody } from "@/lib/http/guard";
import { illFormedTextPath } from "@/lib/formats/unicode";
import { AppError } from "@/lib/services/errors";

const URL_ = "http://127.0.0.1:3000/api/v1/items/1";

function request(headers: Record<string, string>, body?: BodyInit | ReadableStream<Uint8Array>): Request {
  return new Request(URL_, { method: "POST", headers: { host: "127.0.0.1:3000", ...headers }, body, duplex: "half" } as RequestInit);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : "thrown";
  }
  return undefined;
}

async function asyncCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : "thrown";
  }
  return undefined;
}

describe("cookie-authenticated writes", () => {
  const json = { "content-type": "application/json; charset=utf-8", "content-length": "2" };
  it.each<[string, Record<string, string>, string | undefined]>([
    ["its own origin", { ...json, origin: "http://127.0.0.1:3000" }, undefined],
    ["its own origin behind a reverse proxy", { ...json, origin: "https://arbiter.example", "x-forwarded-host": "arbiter.example", "x-forwarded-proto": "https" }, undefined],
    ["no Origin, Sec-Fetch-Site same-origin", { ...json, "sec-fetch-site": "same-origin" }, undefined],
    ["no browser headers at all (a script)", json, undefined],
    ["another port", { ...json, origin: "http://127.0.0.1:3001" }, "forbidden"],
    ["another scheme", { ...json, origin: "https://127.0.0.1:3000" }, "forbidden"],
    ["Origin null", { ...json, origin: "null" }, "forbidden"],
    ["Sec-Fetch-Site same-site", { ...json, "sec-fetch-site": "same-site" }, "forbidden"],
    ["Sec-Fetch-Site cross-site", { ...json, "sec-fetch-site": "cross-site" }, "forbidden"],
    ["text/plain", { "content-type": "text/plain", "content-length": "2", origin: "http://127.0.0.1:3000" }, "forbidden"],
    ["a form", { "content-type": "application/x-www-form-urlencoded", "content-length": "2", origin: "http://127.0.0.1:3000" }, "forbidden"],
    ["a body with no content type", { "content-length": "2", origin: "http://127.0.0.1:3000" }, "forbidden"],
    ["no body and no content type", { origin: "http://127.0.0.1:3000" }, undefined],
  ])("%s", (_, headers, code) => {
    expect(codeOf(() => checkCookieWrite(request(headers), JSON_TYPES))).toBe(code);
  });
});

describe("reading a JSON body", () => {
  const stream = (bytes: number) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let sent = 0; sent < bytes; sent += 1000) c.enqueue(new Uint8Array(Math.min(1000, bytes - sent)).fill(0x20));
        c.close();
      },
    });

  it("refuses a declared length over the limit without reading, and a streamed body once it passes the limit", async () => {
    expect(await asyncCodeOf(readJsonBody(request({ "content-length": "10001" }, "x".repeat(10001)), 10000))).toBe("payload_too_large");
    expect(await asyncCodeOf(readJsonBody(request({}, stream(10001)), 10000))).toBe("payload_too_large");
    expect(await readJsonBody(request({}, stream(10000)), 10000)).toEqual({});
  });

  it("answers 400 for broken JSON or UTF-8 and names a field with a lone surrogate", async () => {
    expect(await asyncCodeOf(readJsonBody(request({}, "{"), 100))).toBe("bad_request");
    expect(await asyncCodeOf(readJsonBody(request({}, new Uint8Array([0x22, 0xff, 0x22])), 100))).toBe("bad_request");
    const err = (await readJsonBody(request({}, '{"a": [{"note": "ok \\ud83d\\ude00"}, {"note": "\\ud800"}]}'), 100).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.fields).toEqual({ "a.1.note": expect.stringMatching(/surrogate/) });
  });

  it("wants an object", () => {
    for (const value of [null, "x", 42, [], true]) expect(codeOf(() => jsonObject(value))).toBe("bad_request");
    expect(jsonObject({ a: 1 })).toEqual({ a: 1 });
  });

  it("finds lone surrogates in keys and nested values, not in paired ones", () => {
    expect(illFormedTextPath({ prompt: "fine 😀", responses: [{ content: "x\udc00" }] })).toBe("responses.0.content");
    expect(illFormedTextPath({ ["k\ud800"]: 1 })).toBe("k\ufffd");
    expect(illFormedTextPath("😀")).toBeUndefined();
  });
});
