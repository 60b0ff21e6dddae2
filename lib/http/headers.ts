// The security headers Arbiter sends (README "Security"). Pages get a Content-Security-Policy with a
// fresh nonce per request from proxy.ts, which Next.js puts on its own scripts and styles; API
// routes get a policy that allows nothing, since a JSON or CSV response is never a document.
// next.config.ts sends the headers that do not vary, from the constants here.

/**
 * The policy of a page; without a nonce, no inline script or style element runs. Inline `style`
 * attributes (KaTeX layout, recharts) are allowed: nonces cannot cover attributes, and a style
 * attribute runs no code. `remoteImages` (the annotation pages) lets http(s) images load: there the
 * Markdown renderer decides per project whether a remote image becomes an <img> or a placeholder.
 * http: is there for plain-http deployments; on https ones upgrade-insecure-requests upgrades it.
 */
export function pageCsp({ nonce, dev, https, remoteImages = false }: { nonce?: string; dev: boolean; https: boolean; remoteImages?: boolean }): string {
  const nonced = nonce ? ` 'nonce-${nonce}'` : "";
  return [
    "default-src 'self'",
    // 'strict-dynamic': chunks loaded by Next.js's own (nonced) scripts are trusted, nothing else.
    `script-src 'self'${nonced}${nonce ? " 'strict-dynamic'" : ""}${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self'${nonced}`,
    "style-src-attr 'unsafe-inline'",
    // Remote images in responses are not fetched (README "Security"); KaTeX and the charts draw locally.
    `img-src 'self' data: blob:${remoteImages ? " https: http:" : ""}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export const HSTS = "max-age=63072000; includeSubDomains";

/** API responses are data, never documents: nothing may load, nothing may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** For page requests that carry a body (server actions, form posts), which the proxy skips: no inline script at all. */
export const FIXED_PAGE_CSP = pageCsp({ dev: false, https: false });

export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()";

/** A nonce of 128 random bits, base64, as the CSP spec asks. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** The request header in which proxy.ts passes a page's path and query to the page (the 403 page names it). */
export const PAGE_PATH_HEADER = "x-arbiter-page";
