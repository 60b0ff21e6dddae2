// The project settings table and the schema built from it: one row per setting drives the service's
// validation, the CLI's flags and the admin form.
import { describe, expect, it } from "vitest";
import { PROJECT_SETTINGS, projectSettingRows } from "@/lib/services/project-settings";
import { projectSettingsInput } from "@/lib/services/projects";

const parse = (input: Record<string, unknown>) => projectSettingsInput.safeParse({ slug: "p", ...input });
const refusal = (input: Record<string, unknown>) => {
  const r = parse(input);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("project settings", () => {
  it("reads numbers from form and CLI strings, and 'none' or a blank as a cleared limit", () => {
    expect(parse({ overlap: "5", leaseMinutes: 10, goldRate: "0.25", quota: "none", minGoldAccuracy: "", agreementThreshold: null, minGoldAfter: "3" }).data).toEqual({
      slug: "p",
      overlap: 5,
      leaseMinutes: 10,
      goldRate: 0.25,
      quota: null,
      minGoldAccuracy: null,
      agreementThreshold: null,
      minGoldAfter: 3,
    });
    expect(parse({ orderPolicy: "finish-first" }).data?.orderPolicy).toBe("finish_first");
    expect(parse({ orderPolicy: "finish_first" }).data?.orderPolicy).toBe("finish_first");
  });

  it("reads the contender pairing, uniform or adaptive", () => {
    expect(parse({ contenderPairing: "adaptive" }).data?.contenderPairing).toBe("adaptive");
    expect(parse({ contenderPairing: "uniform" }).data?.contenderPairing).toBe("uniform");
    expect(refusal({ contenderPairing: "active" })).toBe("contenderPairing: must be one of uniform, adaptive");
    expect(PROJECT_SETTINGS.contenderPairing.flag).toBe("contender-pairing");
  });

  it("reads the remote-images choice (no|yes, or a boolean) as a boolean", () => {
    expect(parse({ allowRemoteImages: "yes" }).data?.allowRemoteImages).toBe(true);
    expect(parse({ allowRemoteImages: "no" }).data?.allowRemoteImages).toBe(false);
    expect(parse({ allowRemoteImages: true }).data?.allowRemoteImages).toBe(true);
    expect(parse({ allowRemoteImages: false }).data?.allowRemoteImages).toBe(false);
    expect(parse({}).data).toEqual({ slug: "p" });
    expect(refusal({ allowRemoteImages: "maybe" })).toBe("allowRemoteImages: must be no or yes");
    expect(PROJECT_SETTINGS.allowRemoteImages.flag).toBe("remote-images");
    expect(PROJECT_SETTINGS.allowRemoteImages.options.map((o) => o.value)).toEqual(["no", "yes"]);
  });

  it("refuses what is out of range, not a number, or not a choice, in words a user reads", () => {
    expect(refusal({ overlap: "0" })).toBe("overlap: must be between 1 and 100");
    expect(refusal({ overlap: "2.5" })).toBe("overlap: must be a whole number");
    expect(refusal({ leaseMinutes: "abc" })).toBe("leaseMinutes: must be a whole number");
    expect(refusal({ overlap: "" })).toBe("overlap: must be a whole number");
    expect(refusal({ goldRate: "1.5" })).toBe("goldRate: must be between 0 and 1");
    expect(refusal({ goldRate: "none" })).toBe("goldRate: must be a number");
    expect(refusal({ quota: "0" })).toBe("quota: must be at least 1");
    expect(refusal({ orderPolicy: "newest" })).toBe("orderPolicy: must be finish-first, random or import");
    expect(refusal({ status: "closed" })).toBe("status: must be one of draft, active, paused, archived");
    expect(refusal({ colour: "red" })).toMatch(/colour/);
    expect(refusal({ timeCapSeconds: "0" })).toBe("timeCapSeconds: must be between 1 and 86400");
    expect(refusal({ timeCapSeconds: "90.5" })).toBe("timeCapSeconds: must be a whole number");
  });

  it("reads the adaptive-overlap settings: whole numbers 1–20, a stopping agreement above 0.5", () => {
    expect(parse({ minJudgments: "2", maxJudgments: "5", stopAgreement: "0.8" }).data).toMatchObject({ minJudgments: 2, maxJudgments: 5, stopAgreement: 0.8 });
    expect(parse({ minJudgments: "none", maxJudgments: "", stopAgreement: null }).data).toMatchObject({ minJudgments: null, maxJudgments: null, stopAgreement: null });
    expect(refusal({ minJudgments: "0" })).toBe("minJudgments: must be between 1 and 20");
    expect(refusal({ maxJudgments: "21" })).toBe("maxJudgments: must be between 1 and 20");
    expect(refusal({ maxJudgments: "2.5" })).toBe("maxJudgments: must be a whole number");
    expect(refusal({ stopAgreement: "0.5" })).toBe("stopAgreement: must be above 0.5 and at most 1");
    expect(refusal({ stopAgreement: "1.01" })).toBe("stopAgreement: must be above 0.5 and at most 1");
    expect(parse({ stopAgreement: "1" }).data?.stopAgreement).toBe(1);
  });

  it("gives every setting a distinct CLI flag and form field, and only limits and texts can be cleared", () => {
    const rows = projectSettingRows();
    expect(rows.map((r) => r.key)).toEqual(Object.keys(PROJECT_SETTINGS));
    expect(new Set(rows.map((r) => r.flag)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => r.field)).size).toBe(rows.length);
    expect(rows.filter((r) => r.nullable).map((r) => r.key)).toEqual(["minJudgments", "maxJudgments", "stopAgreement", "tagsFrom", "quota", "minGoldAccuracy", "minGoldAfter", "agreementThreshold", "qualificationItems"]);
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
  });

  it("reads the routing rule and the tags-from key as the CLI and the form send them", () => {
    expect(parse({ routing: "preferred", tagsFrom: "  topic " }).data).toMatchObject({ routing: "preferred", tagsFrom: "topic" });
    expect(parse({ tagsFrom: "none" }).data).toMatchObject({ tagsFrom: null });
    expect(parse({ tagsFrom: "" }).data).toMatchObject({ tagsFrom: null });
    expect(refusal({ routing: "strict" })).toBe("routing: must be one of open, required, preferred");
    expect(refusal({ tagsFrom: "x".repeat(101) })).toBe("tagsFrom: must be at most 100 characters");
  });
});
