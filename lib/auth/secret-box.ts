// Seals secrets that must be stored but never shown back (an endpoint's API key entered directly):
// AES-256-GCM with a key derived from the server's auth secret. Without that secret the sealed text
// reveals nothing, and a changed secret makes opening fail loudly instead of yielding garbage.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;

function keyOf(secret: string, purpose: string): Buffer {
  // A key per purpose, so a sealed value of one kind can never be opened as another.
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), `arbiter secret-box ${purpose}`, 32));
}

/** `plain` sealed as `v1.IV.TAG.CIPHERTEXT` (base64url parts); `purpose` binds it to its use. */
export function seal(plain: string, secret: string, purpose: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secret, purpose), iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export class SecretBoxError extends Error {}

/** The plain text of a value `seal` made with the same secret and purpose; throws SecretBoxError otherwise. */
export function open(sealed: string, secret: string, purpose: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new SecretBoxError("not a sealed value");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(secret, purpose), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError("the sealed value does not open with this secret (the server's auth secret changed, or the value was altered)");
  }
}
