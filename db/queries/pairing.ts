// The statements of lib/services/pairing.ts (adaptive serving): a project's generated items with
// whether they still want judgments, and their priorities set in the band adaptive serving owns.
import { bool, defineQuery, num, str } from "../engine";
import type { ContenderPairing } from "../schema/constants";

/** An item is generated when a candidate carries a contender (lib/services/generation.ts's candidate metadata). */
const GENERATED = `exists (select 1 from candidates c where c.item_id = i.id and c.metadata ->> 'contender' is not null)`;

/** A project's setting and judgments so far, read when judgments may call for new priorities. Param: project id. */
export interface PairingProjectRow {
  slug: string;
  contenderPairing: ContenderPairing;
  judgments: number;
}
export const PAIRING_PROJECT = defineQuery(
  "pairing.project",
  `select p.slug, p.contender_pairing, (select count(*) from judgments j where j.project_id = p.id) as judgments from projects p where p.id = ?`,
  (r): PairingProjectRow => ({ slug: str(r.slug), contenderPairing: str(r.contender_pairing) as ContenderPairing, judgments: num(r.judgments) }),
);

/** A non-gold generated item: its priority, and whether it still wants judgments (a seat is left). */
export interface PairingItemRow {
  id: number;
  priority: number;
  open: boolean;
}
/** Params: what an item without an adaptive target wants (baseOverlap), project id. */
export const PAIRING_ITEMS = defineQuery(
  "pairing.items",
  `select i.id, i.priority, i.judgment_count < coalesce(i.judgment_target, cast(? as integer)) + i.extra_overlap as open
   from items i where i.project_id = ? and i.gold is null and ${GENERATED}`,
  (r): PairingItemRow => ({ id: num(r.id), priority: num(r.priority), open: bool(r.open) }),
);

/**
 * Moves items from one priority to another, each only if it still has the priority it was read with
 * (so an admin's change made meanwhile stands) and is not gold. Params: new priority, project id,
 * old priority, item ids (jsonText).
 */
export const MOVE_PRIORITY = defineQuery(
  "pairing.movePriority",
  (d) => `update items set priority = ? where project_id = ? and priority = ? and gold is null
    and id in (select cast(e.value as integer) from ${d.eachText(d.jsonParam, "e")})`,
);

/** Back to 0: the project's non-gold generated items in levels 1…top (adaptive pairing turned off). Params: project id, top level. */
export const RESET_PAIRING_PRIORITIES = defineQuery(
  "pairing.resetPriorities",
  `update items set priority = 0 where project_id = ? and gold is null and priority between 1 and ?
    and exists (select 1 from candidates c where c.item_id = items.id and c.metadata ->> 'contender' is not null)`,
);
