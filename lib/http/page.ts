// The page-side counterpart of respond.ts: a service's not_found becomes the framework's 404 page.
import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/services/errors";

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === "function";
}

function notFoundPage(err: unknown): never {
  if (err instanceof AppError && err.code === "not_found") notFound();
  throw err;
}

function badRequestMessage(err: unknown): { error: string } {
  if (err instanceof AppError && err.code === "bad_request") return { error: err.message };
  throw err;
}

/**
 * Runs a page's loader; an unknown project, item or other not_found answers 404 instead of an error
 * page. An async loader (a service on the engine interface) gives a promise to await.
 */
export function orNotFound<T>(load: () => Promise<T>): Promise<T>;
export function orNotFound<T>(load: () => T): T;
export function orNotFound<T>(load: () => T | Promise<T>): T | Promise<T> {
  try {
    const out = load();
    return isPromise(out) ? out.catch(notFoundPage) : out;
  } catch (err) {
    return notFoundPage(err);
  }
}

/** Runs a page's loader; a bad_request (a search too long) comes back as its message for the page to show. */
export function orBadRequest<T>(load: () => Promise<T>): Promise<T | { error: string }>;
export function orBadRequest<T>(load: () => T): T | { error: string };
export function orBadRequest<T>(load: () => T | Promise<T>): T | { error: string } | Promise<T | { error: string }> {
  try {
    const out = load();
    return isPromise(out) ? out.catch(badRequestMessage) : out;
  } catch (err) {
    return badRequestMessage(err);
  }
}
