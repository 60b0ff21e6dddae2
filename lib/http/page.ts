// The page-side counterpart of respond.ts: a service's not_found becomes the framework's 404 page.
import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/services/errors";

function rethrowNotFound(err: unknown): never {
  if (err instanceof AppError && err.code === "not_found") notFound();
  throw err;
}

/** Runs a page's loader; an unknown project, item or other not_found answers 404 instead of an error page. */
export function orNotFound<T>(load: () => Promise<T>): Promise<T>;
/** TRANSITION (issue 11): the synchronous form, for loaders of services not yet moved to the engine. */
export function orNotFound<T>(load: () => T): T;
export function orNotFound<T>(load: () => T | Promise<T>): T | Promise<T> {
  try {
    const out = load();
    return out instanceof Promise ? out.catch(rethrowNotFound) : out;
  } catch (err) {
    return rethrowNotFound(err);
  }
}

/** Runs a page's loader; a bad_request (a search too long) comes back as its message for the page to show. */
export function orBadRequest<T>(load: () => T): T | { error: string } {
  try {
    return load();
  } catch (err) {
    if (err instanceof AppError && err.code === "bad_request") return { error: err.message };
    throw err;
  }
}
