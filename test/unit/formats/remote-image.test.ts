// Which images in model text the annotator's browser may load: data: always, remote ones only when
// the project allows them, and never a relative or malformed source (it would resolve against Arbiter).
import { describe, expect, it } from "vitest";
import { imageDecision, imageHost, UNKNOWN_HOST } from "@/lib/formats/remote-image";

describe("remote images", () => {
  it("reads the host of absolute http(s) URLs only", () => {
    expect(imageHost("https://tracker.example/p.png?u=1")).toBe("tracker.example");
    expect(imageHost("http://127.0.0.1:8080/pixel.png")).toBe("127.0.0.1");
    expect(imageHost("HTTPS://User:pw@Images.Example.COM:443/x")).toBe("images.example.com");
    expect(imageHost("//tracker.example/p.png")).toBeNull();
    expect(imageHost("/api/v1/me")).toBeNull();
    expect(imageHost("ftp://files.example/p.png")).toBeNull();
    expect(imageHost("http://")).toBeNull();
  });

  it("shows a remote image as a placeholder with its host unless the project allows remote images", () => {
    expect(imageDecision("https://tracker.example/p.png", false)).toEqual({ load: false, host: "tracker.example" });
    expect(imageDecision("https://tracker.example/p.png", true)).toEqual({ load: true });
    expect(imageDecision(" http://127.0.0.1:9/x.png ", true)).toEqual({ load: true });
  });

  it("draws data: images in place, allowed or not: they fetch nothing", () => {
    expect(imageDecision("data:image/png;base64,iVBORw0KGgo=", false)).toEqual({ load: true });
    expect(imageDecision("DATA:image/gif;base64,R0lGOD", false)).toEqual({ load: true });
  });

  it("treats malformed, relative, empty and stripped sources as remote with an unknown host, even when allowed", () => {
    for (const src of ["not a url", "pixel.png", "/admin", "//tracker.example/p.png", "", undefined, "javascript:alert(1)"]) {
      expect(imageDecision(src, false), String(src)).toEqual({ load: false, host: UNKNOWN_HOST });
      expect(imageDecision(src, true), String(src)).toEqual({ load: false, host: UNKNOWN_HOST });
    }
  });
});
