// Announces a completed action in the page's toast region (Toaster.tsx): callable from any client
// component without sharing React state.
export interface ToastDetail {
  message: string;
  tone?: "ok" | "bad";
}

export const TOAST_EVENT = "arbiter:toast";

export function toast(message: string, tone: ToastDetail["tone"] = "ok"): void {
  if (typeof window === "undefined") return;
  window.dispatchEvent(new CustomEvent<ToastDetail>(TOAST_EVENT, { detail: { message, tone } }));
}
