// Every keyboard shortcut of the annotation screens as data: which key, what it does, when it
// applies and how the help overlay writes it. The key handlers (the workspace's and the history
// page's revise form) and the `?` overlay read the same tables, so they cannot drift apart.
import type { Dispatch, SetStateAction } from "react";
import { choiceOfStrength, type ProjectJudgmentSchema } from "@/lib/formats/judgment";
import {
  currentScale,
  digitValue,
  moveScale,
  moveSlot,
  PAIRWISE_CHOICES,
  pairwiseChoices,
  setRating,
  slotsOf,
  STRENGTH_LABELS,
  toggleTie,
  type Draft,
} from "./draft";

export interface KeyBinding<C> {
  /** The keys as the overlay writes them. */
  label: string | ((c: C) => string);
  description: string | ((c: C) => string);
  /** Whether the shortcut applies now; the overlay lists only those that do. */
  when: (c: C) => boolean;
  /** Whether it takes this key (see `keyName`); rows only for the overlay take none. */
  match: (key: string, c: C) => boolean;
}

/** The key of an event as the tables name it: one character lower-cased, or the key's name ("Enter"). */
export function keyName(e: Pick<KeyboardEvent, "key">): string {
  return e.key.length === 1 ? e.key.toLowerCase() : e.key;
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

/** The overlay's rows: [keys, what they do] for every binding that applies. */
export function helpRows<C>(bindings: KeyBinding<C>[], c: C): [string, string][] {
  return bindings
    .filter((b) => b.when(c))
    .map((b) => [typeof b.label === "function" ? b.label(c) : b.label, typeof b.description === "function" ? b.description(c) : b.description]);
}

// ---- Judgment keys: the controls of the judgment form (workspace and revise form alike) ----

export interface JudgmentKeyContext {
  schema: ProjectJudgmentSchema;
  slotCount: number;
  draft: Draft;
}

export interface JudgmentKeyEffects {
  setDraft: Dispatch<SetStateAction<Draft>>;
  /** Focuses the control with this data-testid; false when it is not on screen. */
  focus: (testid: string) => boolean;
}

export interface JudgmentBinding extends KeyBinding<JudgmentKeyContext> {
  /** Applies the key; false when it turned out to do nothing (a text field not on screen). */
  run: (key: string, c: JudgmentKeyContext, fx: JudgmentKeyEffects) => boolean;
}

const pairwise = (c: JudgmentKeyContext) => c.schema.type === "pairwise";
const rating = (c: JudgmentKeyContext) => c.schema.type === "rating" && c.schema.criteria.length > 0;
const ranking = (c: JudgmentKeyContext) => c.schema.type === "ranking";
const rankMove: Record<string, -1 | 1> = { ArrowUp: -1, k: -1, ArrowDown: 1, j: 1 };
const done = (f: () => void) => (f(), true);

export const JUDGMENT_KEYS: JudgmentBinding[] = [
  // Pairwise without strength: one row per choice the project allows (1 or A, 2 or B, 3 or T, 4 or X).
  ...PAIRWISE_CHOICES.map(
    (choice): JudgmentBinding => ({
      label: `${choice.keys[0]} or ${choice.keys[1].toUpperCase()}`,
      description: choice.label,
      when: (c) => pairwise(c) && !c.schema.strength && pairwiseChoices(c.schema).includes(choice),
      match: (key) => choice.keys.includes(key),
      run: (_, __, fx) => done(() => fx.setDraft((d) => ({ ...d, choice: choice.value, ...(choice.value === "both_bad" ? { strength: undefined } : {}) }))),
    }),
  ),
  {
    label: "1 … 7",
    description: `Preference: 1 = ${STRENGTH_LABELS[-3]}, 4 = ${STRENGTH_LABELS[0]}, 7 = ${STRENGTH_LABELS[3]}`,
    when: (c) => pairwise(c) && c.schema.strength,
    match: (key, c) => /^[1-7]$/.test(key) && (key !== "4" || c.schema.allow_tie),
    run: (key, _, fx) => {
      const strength = Number(key) - 4;
      return done(() => fx.setDraft((d) => ({ ...d, strength, choice: choiceOfStrength(strength) })));
    },
  },
  {
    label: "X",
    description: "Both bad",
    when: (c) => pairwise(c) && c.schema.strength && c.schema.allow_both_bad,
    match: (key) => key === "x",
    run: (_, __, fx) => done(() => fx.setDraft((d) => ({ ...d, choice: "both_bad", strength: undefined }))),
  },
  {
    label: "0 … 9",
    description: "Rate the outlined scale (0 is 10 on a scale up to 10); the outline moves to the next unrated scale",
    when: rating,
    match: (key, c) => {
      const scale = currentScale(c.schema, c.draft, c.slotCount);
      return !!scale && digitValue(key, scale.criterion) !== undefined;
    },
    run: (key, c, fx) => {
      const scale = currentScale(c.schema, c.draft, c.slotCount)!;
      const value = digitValue(key, scale.criterion)!;
      return done(() => fx.setDraft((d) => ({ ...d, ratings: setRating(d.ratings, scale.slot, scale.criterion.key, value), scale: undefined })));
    },
  },
  {
    label: "[ ]",
    description: "Outline the previous or next scale",
    when: rating,
    match: (key) => key === "[" || key === "]",
    run: (key, c, fx) => done(() => fx.setDraft((d) => ({ ...d, scale: moveScale(c.schema, d, c.slotCount, key === "[" ? -1 : 1) }))),
  },
  {
    label: (c) => `1 … ${c.slotCount}`,
    description: "Select response A, B, … (again to unselect)",
    when: ranking,
    match: (key, c) => /^[1-8]$/.test(key) && Number(key) <= c.slotCount,
    run: (key, c, fx) => {
      const slot = slotsOf(c.slotCount)[Number(key) - 1];
      return done(() => fx.setDraft((d) => ({ ...d, selected: d.selected === slot ? undefined : slot, ranked: true })));
    },
  },
  {
    label: "↑ ↓ (or K J)",
    description: "Move the selected response up or down",
    when: ranking,
    match: (key, c) => !!c.draft.selected && key in rankMove,
    run: (key, _, fx) => done(() => fx.setDraft((d) => (d.selected ? { ...d, ranking: moveSlot(d.ranking, d.selected, rankMove[key]), ranked: true } : d))),
  },
  {
    label: "=",
    description: "Tie the selected response with the one above (again to untie)",
    when: (c) => ranking(c) && c.schema.allow_tie,
    match: (key, c) => !!c.draft.selected && key === "=",
    run: (_, __, fx) => done(() => fx.setDraft((d) => (d.selected ? { ...d, ranking: toggleTie(d.ranking, d.selected), ranked: true } : d))),
  },
  {
    label: "W",
    description: "Write a better response",
    when: (c) => pairwise(c) && c.schema.rewrite !== "never",
    match: (key) => key === "w",
    run: (_, __, fx) => fx.focus("rewrite"),
  },
  {
    label: "W",
    description: "Write the ideal response",
    when: (c) => c.schema.type === "demonstration",
    match: (key) => key === "w",
    run: (_, __, fx) => fx.focus("demonstration"),
  },
  {
    label: "R",
    description: "Write the rationale",
    when: (c) => c.schema.rationale !== "hidden",
    match: (key) => key === "r",
    run: (_, __, fx) => fx.focus("rationale"),
  },
  // Handled by the text fields themselves (JudgmentForm's textKeys); listed for the overlay.
  { label: "Esc", description: "Leave a text field (shortcuts work again)", when: () => true, match: () => false, run: () => false },
  { label: "Ctrl+Enter", description: "Submit from inside a text field", when: () => true, match: () => false, run: () => false },
];

/**
 * Applies a judgment shortcut to the draft; true when the key was one (its default is then
 * prevented). The caller has already ignored keys typed into text fields and with modifiers.
 */
export function judgmentKey(e: KeyboardEvent, c: JudgmentKeyContext, setDraft: JudgmentKeyEffects["setDraft"]): boolean {
  const key = keyName(e);
  const focus = (testid: string) => {
    const el = document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    el?.focus();
    return !!el;
  };
  const binding = JUDGMENT_KEYS.find((b) => b.when(c) && b.match(key, c));
  if (!binding || !binding.run(key, c, { setDraft, focus })) return false;
  e.preventDefault();
  return true;
}

// ---- Workspace keys: the screen around the form ----

export type WorkspaceCommand = "help" | "close" | "history" | "guidelines" | "submit" | "skip" | "flag" | "undo" | "diff" | "continue";

export interface WorkspaceKeyContext {
  /** An item is on screen (not loading, not the end of the work). */
  hasItem: boolean;
  slotCount: number;
  hasFlags: boolean;
  hasGuidelines: boolean;
  /** The help overlay is open: only ? and Esc work. */
  help: boolean;
  /** A check item's gold answer is on screen: only continuing works. */
  feedback?: boolean;
}

export interface WorkspaceBinding extends KeyBinding<WorkspaceKeyContext> {
  command: WorkspaceCommand;
}

const key = (...keys: string[]) => (k: string) => keys.includes(k);
const onItem = (c: WorkspaceKeyContext) => !c.help && c.hasItem;

/** In the overlay's order, after the judgment keys. */
export const WORKSPACE_KEYS: WorkspaceBinding[] = [
  { command: "continue", label: "Enter", description: "Continue after a check item's answer", when: (c) => !!c.feedback, match: key("Enter", "Escape") },
  { command: "submit", label: "Enter", description: "Submit the judgment", when: onItem, match: key("Enter") },
  { command: "skip", label: "S", description: "Skip this item (then 1–4 for a reason)", when: onItem, match: key("s") },
  { command: "flag", label: "F", description: "Flag a response (then its letter and the flag's number)", when: (c) => onItem(c) && c.hasFlags, match: key("f") },
  { command: "undo", label: "U", description: "Undo your last judgment", when: (c) => !c.help, match: key("u") },
  { command: "diff", label: "D", description: "Show the word differences between two responses", when: (c) => onItem(c) && c.slotCount >= 2, match: key("d") },
  { command: "guidelines", label: "G", description: "Show or hide the guidelines", when: (c) => !c.help && c.hasGuidelines, match: key("g") },
  { command: "history", label: "H", description: "Your history (review and revise)", when: (c) => !c.help, match: key("h") },
  { command: "help", label: "?", description: "Show or hide this help", when: () => true, match: key("?") },
  { command: "close", label: "Esc", description: "Close", when: () => true, match: key("Escape") },
];

/** The workspace command a key gives now, if any. */
export function workspaceCommand(key: string, c: WorkspaceKeyContext): WorkspaceCommand | null {
  // While a check item's answer is up, nothing but continuing: the item behind it waits.
  if (c.feedback) return key === "Enter" || key === "Escape" ? "continue" : null;
  return WORKSPACE_KEYS.find((b) => b.when(c) && b.match(key, c))?.command ?? null;
}
