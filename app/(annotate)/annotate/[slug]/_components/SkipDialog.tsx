"use client";
// The skip dialog: a reason by number key or click, or none with Enter. Its keys arrive through
// `skipKey`, called by the workspace's own key handler.

export const SKIP_REASONS = ["Outside my expertise", "Prompt or responses are broken", "Offensive content I'd rather not judge", "Other"];

/**
 * What a key does while the dialog is open: skip with a reason (1–4), skip without one (Enter, unless
 * it presses a button of the dialog), or nothing (undefined).
 */
export function skipKey(key: string, target: EventTarget | null): { reason?: string } | undefined {
  const n = Number(key);
  if (n >= 1 && n <= SKIP_REASONS.length) return { reason: SKIP_REASONS[n - 1] };
  if (key === "Enter" && (target as HTMLElement | null)?.tagName !== "BUTTON") return {};
  return undefined;
}

export function SkipDialog({ onSkip, onClose }: { onSkip: (reason?: string) => void; onClose: () => void }) {
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Skip this item" onClick={onClose}>
      <div className="panel" onClick={(e) => e.stopPropagation()} data-testid="skip-dialog">
        <h2>Skip this item?</h2>
        <p className="muted">It will not come back to you. Pick a reason (optional):</p>
        <ul className="plain">
          {SKIP_REASONS.map((r, i) => (
            <li key={r}>
              <button type="button" onClick={() => onSkip(r)} data-testid={`skip-reason-${i + 1}`}>
                <kbd>{i + 1}</kbd> {r}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="primary" onClick={() => onSkip()} autoFocus data-testid="skip-confirm">
          Skip without a reason <kbd>Enter</kbd>
        </button>{" "}
        <button type="button" onClick={onClose}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}
