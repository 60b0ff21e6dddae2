// Users' skills and the CSV import of users, on SQLite and PostgreSQL: normalised skills, errors
// naming the flag or the line and column, and an import that writes all of a file or nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineQuery, num } from "@/db/engine";
import { importUsers, listUsers, setSkills } from "@/lib/services/users";
import { countRowsAsync, ENGINES, errorCodeAsync, makeUser, tempDbOn, type TempDb } from "../helpers/db";

const AUDIT_COUNT = defineQuery("test.users.auditCount", "select count(*) as n from audit_log where action = ?", (r) => num(r.n));

describe.each(ENGINES)("users on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("skills of users", () => {
    it("sets, adds and removes skills, normalised, with errors naming the flag", async () => {
      const u = await makeUser(t, "annotator");
      const email = u.caller.email;
      expect((await setSkills({ ctx: t.system, input: { email, set: "Medical,code" } })).skills).toEqual(["code", "medical"]);
      expect((await setSkills({ ctx: t.system, input: { email, add: "lang:de", remove: "medical" } })).skills).toEqual(["code", "lang:de"]);
      expect((await setSkills({ ctx: t.system, input: { email, set: "" } })).skills).toEqual([]);
      await expect(setSkills({ ctx: t.system, input: { email, add: "c++" } })).rejects.toThrow('add: "c++" is not a valid tag');
      await expect(setSkills({ ctx: t.system, input: { email, set: Array.from({ length: 51 }, (_, i) => `s${i}`) } })).rejects.toThrow("set: at most 50 allowed, got 51");
      expect(await errorCodeAsync(() => setSkills({ ctx: u.ctx, input: { email, set: "code" } }))).toBe("forbidden");
      expect(await errorCodeAsync(() => setSkills({ ctx: t.system, input: { email: "nobody@test.local", set: "code" } }))).toBe("not_found");
      expect(await t.db.first(AUDIT_COUNT, ["user.skills"])).toBe(3);
    });
  });

  describe("CSV import of users", () => {
    it("creates new users and updates existing users' skills, all in one go", async () => {
      const existing = await makeUser(t, "annotator", "ann@test.local");
      const summary = await importUsers({
        ctx: t.system,
        input: { csv: "email,name,role,skills,password\nann@test.local,Ann,annotator,code;lang:de,\nbob@test.local,Bob,annotator,medical|law,bobs-password\ncat@test.local,,manager,,\n" },
      });
      expect(summary).toMatchObject({ created: 2, updated: 1, errors: [] });
      expect(summary.passwords.map((p) => p.email)).toEqual(["cat@test.local"]);
      const users = await listUsers({ ctx: t.system });
      expect(users.find((u) => u.id === existing.caller.userId)).toMatchObject({ skills: ["code", "lang:de"], role: "annotator", name: "Ann" });
      expect(users.find((u) => u.email === "bob@test.local")).toMatchObject({ skills: ["law", "medical"], role: "annotator" });
      expect(users.find((u) => u.email === "cat@test.local")).toMatchObject({ skills: [], role: "manager", name: "cat" });
    });

    it("writes nothing when any line is wrong, and names every line and column", async () => {
      const before = await countRowsAsync(t, "users");
      const summary = await importUsers({
        ctx: t.system,
        input: {
          csv: [
            "email,name,role,skills",
            "ok@test.local,Ok,annotator,code",
            "not-an-email,X,annotator,code",
            "y@test.local,Y,boss,code",
            "z@test.local,Z,annotator,deep learning",
            "ok@test.local,Again,annotator,",
            "w@test.local,W,annotator",
          ].join("\n"),
        },
      });
      expect(summary.errors).toEqual([
        { line: 5, field: "skills", message: '"deep learning" is not a valid tag: use lowercase letters, digits and : - _ . (1–40 characters)' },
        { line: 7, message: "expected 4 columns as in the header, got 3" },
        { line: 3, field: "email", message: "must be an email address" },
        { line: 4, field: "role", message: "must be one of admin, manager, annotator" },
        { line: 6, field: "email", message: "ok@test.local already appears on line 2" },
      ]);
      expect(await countRowsAsync(t, "users")).toBe(before);
      const header = await importUsers({ ctx: t.system, input: { csv: "mail,role\nx@test.local,annotator\n" } });
      expect(header.errors).toEqual([
        { line: 1, field: "mail", message: 'unknown column "mail" (columns: email, name, role, skills, password)' },
        { line: 1, field: "email", message: 'the header has no "email" column' },
      ]);
      await expect(importUsers({ ctx: t.system, input: { csv: "email,role\n" } })).rejects.toThrow("file: holds no users");
    });
  });
});
