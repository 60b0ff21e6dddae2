"use client";
// Flags by keyboard: F opens this dialog over the workspace. A letter picks the response (A first),
// a digit toggles that flag on it, and the dialog stays open for more; F, Enter or Esc closes it.
// The keys arrive through `flagKey`, called by the workspace's own key handler.
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { slotsOf, toggleFlag, type Draft } from "./draft";

type SetDraft = (update: (d: Draft) => Draft) => void;

/**
 * Handles a key while the dialog is open: returns the response to show as picked next, or null to
 * close the dialog.
 */
export function flagKey(key: string, slot: string, schema: ProjectJudgmentSchema, slotCount: number, setDraft: SetDraft): string | null {
  if (key === "f" || key === "Enter" || key === "Escape") return null;
  const letter = key.toUpperCase();
  if (slotsOf(slotCount).includes(letter)) return letter;
  const flag = /^[1-9]$/.test(key) ? schema.flags[Number(key) - 1] : undefined;
  if (flag) setDraft((d) => ({ ...d, flags: toggleFlag(d.flags, slot, flag.key) }));
  return slot;
}

export function FlagDialog({
  schema,
  slotCount,
  slot,
  flags,
  onPick,
  setDraft,
  onClose,
}: {
  schema: ProjectJudgmentSchema;
  slotCount: number;
  /** The response the digits flag now. */
  slot: string;
  flags: Draft["flags"];
  onPick: (slot: string) => void;
  setDraft: SetDraft;
  onClose: () => void;
}) {
  const slots = slotsOf(slotCount);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Flag a response" onClick={onClose}>
      <div className="panel" onClick={(e) => e.stopPropagation()} data-testid="flag-dialog">
        <h2>Flag a response</h2>
        <p className="muted">
          Press <kbd>{slots[0]}</kbd>–<kbd>{slots[slots.length - 1]}</kbd> to pick the response, then a number to turn its flag
          on or off. <kbd>F</kbd>, <kbd>Enter</kbd> or <kbd>Esc</kbd> closes.
        </p>
        <table className="data">
          <tbody>
            {slots.map((s) => (
              <tr key={s} className={s === slot ? "picked" : undefined} aria-current={s === slot || undefined} data-testid={`flag-row-${s}`}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => onPick(s)}>
                    Response {s} <kbd>{s}</kbd>
                  </button>
                </th>
                {schema.flags.map((f, i) => (
                  <td key={f.key}>
                    <button
                      type="button"
                      aria-pressed={!!flags[s]?.includes(f.key)}
                      onClick={() => setDraft((d) => ({ ...d, flags: toggleFlag(d.flags, s, f.key) }))}
                      data-testid={`flag-dialog-${s}-${f.key}`}
                    >
                      ⚑ {f.label} {s === slot && i < 9 && <kbd>{i + 1}</kbd>}
                    </button>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Done <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}
