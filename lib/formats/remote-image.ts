// Whether an image in model text (markdown `![alt](src)`) may be loaded by the annotator's browser.
// A remote image is a tracking pixel or a URL that may name the model, so by default it is not
// fetched: the workspace shows a placeholder naming its host instead (README "Security").

export type ImageDecision =
  /** Load it: a `data:` image (nothing is fetched), or a remote one the project allows. */
  | { load: true }
  /** Show a placeholder naming the host; "unknown host" when the URL has none that can be read. */
  | { load: false; host: string };

export const UNKNOWN_HOST = "unknown host";

/** The host of an absolute http(s) URL; null for anything else (relative, malformed, other schemes). */
export function imageHost(src: string): string | null {
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return null;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.hostname : null;
}

/**
 * What to do with an image source. A `data:` URL is drawn in place. Anything else is remote; it is
 * loaded only when the project allows remote images and it is an absolute http(s) URL — a relative
 * or malformed one would resolve against Arbiter itself, so it stays a placeholder either way.
 */
export function imageDecision(src: string | undefined, allowRemote: boolean): ImageDecision {
  const source = (src ?? "").trim();
  if (/^data:/i.test(source)) return { load: true };
  const host = imageHost(source);
  if (allowRemote && host !== null) return { load: true };
  return { load: false, host: host ?? UNKNOWN_HOST };
}
