"use client";
// Settings of the browser's copies of libraries, made when the root layout's client code loads,
// before any component runs. zod 4 compiles object schemas with `new Function` where it may, and
// its probe for that is an `eval` the Content-Security-Policy refuses and reports (README
// "Security"): in the browser it uses its interpreter instead. The server keeps the compiled path.
import { z } from "zod";

if (typeof window !== "undefined") z.config({ jitless: true });

export function ClientConfig() {
  return null;
}
