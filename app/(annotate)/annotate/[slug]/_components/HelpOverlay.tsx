"use client";
// The `?` overlay: every shortcut that applies now, read from the same tables as the key handler.
import { helpRows, JUDGMENT_KEYS, WORKSPACE_KEYS, type JudgmentKeyContext, type WorkspaceKeyContext } from "./keymap";

export function HelpOverlay({ judgment, workspace, onClose }: { judgment: JudgmentKeyContext | null; workspace: WorkspaceKeyContext; onClose: () => void }) {
  // The overlay lists what the keys do once it is closed.
  const rows = [...(judgment ? helpRows(JUDGMENT_KEYS, judgment) : []), ...helpRows(WORKSPACE_KEYS, { ...workspace, help: false })];
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="panel" onClick={(e) => e.stopPropagation()} data-testid="help-overlay">
        <h2>Keyboard shortcuts</h2>
        <table className="data">
          <tbody>
            {rows.map(([keys, what]) => (
              <tr key={`${keys} ${what}`}>
                <td><kbd>{keys}</kbd></td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
