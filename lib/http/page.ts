// The page-side counterpart of respond.ts: a service's not_found becomes the framework's 404 page.
import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/services/errors";

function notFoundPage(err: unknown): never {
  if (err instanceof AppError && err.code === "not_found") notFound();
  throw err;
}

/**
 * Runs a page's loader; an unknown project, item or other not_found answers 404 instead of an error
 * page. An async loader's promise comes back with the same mapping (await it).
 */
export function orNotFound<T>(load: () => T): T {
  try {
    const out = load();
    return (out instanceof Promise ? out.catch(notFoundPage) : out) as T;
  } catch (err) {
    notFoundPage(err);
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
