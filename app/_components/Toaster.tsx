"use client";
// The toast region: completed actions ("Settings saved") appear for a few seconds at the corner of
// the screen and are read out by screen readers (a polite live region that is always in the page).
import { useEffect, useState } from "react";
import { TOAST_EVENT, type ToastDetail } from "./toast";

const SHOWN_MS = 5000;

export function Toaster() {
  const [toasts, setToasts] = useState<(ToastDetail & { id: number })[]>([]);
  useEffect(() => {
    let next = 0;
    const onToast = (e: Event) => {
      const id = ++next;
      setToasts((t) => [...t.slice(-2), { ...(e as CustomEvent<ToastDetail>).detail, id }]);
      setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), SHOWN_MS);
    };
    window.addEventListener(TOAST_EVENT, onToast);
    return () => window.removeEventListener(TOAST_EVENT, onToast);
  }, []);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast${t.tone === "bad" ? " bad" : ""}`} data-testid="toast">
          <span>{t.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => setToasts((all) => all.filter((x) => x.id !== t.id))}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
