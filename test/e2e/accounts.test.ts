// Accounts in Chromium (issue 12): the Users page's actions, the profile page's password change
// ending the old session, the login page showing a throttled attempt's retry time, and the audit page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS } from "@/lib/services/sign-in-throttle";
import { createUser } from "@/lib/services/users";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, login, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();

async function newUser(email: string): Promise<string> {
  const ctx = systemCtx();
  const { password } = await createUser({ ctx, input: { email, role: "annotator" } });
  await ctx.db.close();
  return password!;
}

describe.skipIf(!executable)("accounts in the browser", () => {
  let browser: Browser;
  const page = async (): Promise<Page> => (await browser.newContext()).newPage();
  const base = () => serverInfo().baseUrl;

  beforeAll(async () => {
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an admin changes a role, deactivates and reactivates a user, and resets a password shown once", async () => {
    const email = "managed@test.local";
    const first = await newUser(email);
    const cookie = await login(email, first);
    const admin = await page();
    await signIn(admin, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await admin.goto(base() + "/admin/users");

    await admin.getByTestId(`user-role-${email}`).selectOption("manager");
    await admin.getByTestId(`user-role-save-${email}`).click();
    await expect.poll(() => admin.getByTestId(`user-message-${email}`).first().textContent()).toMatch(/is now manager/);
    expect((await api("/api/v1/projects/none/judgments/mine", { cookie })).status).toBe(401); // the role change ended the session

    await admin.getByTestId(`user-status-${email}`).click();
    await expect.poll(() => admin.getByTestId(`user-status-cell-${email}`).textContent()).toBe("deactivated");
    await expect(login(email, first)).rejects.toThrow(/login failed/);
    await admin.getByTestId(`user-status-${email}`).click();
    await expect.poll(() => admin.getByTestId(`user-status-cell-${email}`).textContent()).toBe("active");

    await admin.getByTestId(`user-reset-${email}`).click();
    const generated = (await admin.getByTestId(`user-new-password-${email}`).textContent())!;
    expect(generated).toMatch(/^[\w-]{16}$/);
    await expect(login(email, first)).rejects.toThrow(/login failed/);
    await login(email, generated);
    await admin.reload();
    expect(await admin.getByTestId(`user-new-password-${email}`).count()).toBe(0); // shown once

    // The last admin cannot demote themselves.
    const self = serverInfo().users.admin.email;
    await admin.getByTestId(`user-role-${self}`).selectOption("annotator");
    await admin.getByTestId(`user-role-save-${self}`).click();
    await expect.poll(() => admin.getByTestId(`user-message-${self}`).first().textContent()).toMatch(/last active admin/);
  });

  it("a user changes their own password on the profile page; the old session is refused", async () => {
    const email = "profile@test.local";
    const password = await newUser(email);
    const other = await login(email, password); // another browser's session
    const p = await page();
    await signIn(p, email, password);
    await p.getByTestId("who").click();
    await p.waitForURL(/\/account$/);
    await p.getByTestId("account-current").fill("not-my-password");
    await p.getByTestId("account-password").fill("brand-new-password");
    await p.getByTestId("account-confirm").fill("brand-new-password");
    await p.getByTestId("account-save").click();
    await expect.poll(() => p.locator("#account-current-error").textContent()).toMatch(/not your current password/);

    await p.getByTestId("account-current").fill(password);
    await p.getByTestId("account-password").fill("brand-new-password");
    await p.getByTestId("account-confirm").fill("brand-new-password");
    await p.getByTestId("account-save").click();
    await p.waitForURL(/\/login\?reason=password_changed/);
    expect(await p.getByTestId("login-notice").textContent()).toMatch(/signed out everywhere/);
    expect((await api("/api/v1/projects/none/judgments/mine", { cookie: other })).status).toBe(401);
    await p.goto(base() + "/account");
    await p.waitForURL(/\/login/); // this browser's session ended too
    await signIn(p, email, "brand-new-password");
  });

  it("the login page shows the retry time of a throttled account", async () => {
    const email = "locked@test.local";
    await newUser(email);
    const p = await page();
    await p.goto(base() + "/login");
    const attempt = async (password: string) => {
      await p.getByTestId("login-email").fill(email);
      await p.getByTestId("login-password").fill(password);
      const answered = p.waitForResponse((r) => r.url().includes("/api/auth/callback/credentials"));
      await p.getByTestId("login-submit").click();
      return (await answered).status();
    };
    for (let i = 0; i < SIGN_IN_LIMITS.account.points; i++) {
      expect(await attempt(`wrong-${i}`)).toBe(401);
      await expect.poll(() => p.getByTestId("login-error").textContent()).toMatch(/Wrong email or password/);
    }
    expect(await attempt("another-guess")).toBe(429);
    await expect.poll(() => p.getByTestId("login-error").textContent()).toMatch(/Too many sign-in attempts for this account: try again in \d+ minutes/);
    expect(Number(await p.getByTestId("login-error").getAttribute("data-retry-after"))).toBeGreaterThan(60);
  });

  it("an admin filters the audit log and downloads it as CSV", async () => {
    const admin = await page();
    await signIn(admin, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await admin.goto(base() + "/admin/audit");
    await admin.getByTestId("audit-action").fill("auth.sign_in_failed");
    await admin.getByTestId("audit-apply").click();
    await admin.waitForURL(/action=auth.sign_in_failed/);
    const actions = await admin.getByTestId("audit-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(["auth.sign_in_failed"]));

    await admin.getByTestId("audit-user").fill(serverInfo().users.admin.email);
    await admin.getByTestId("audit-action").fill("user.");
    await admin.getByTestId("audit-apply").click();
    await admin.waitForURL(/action=user\./);
    const mine = await admin.getByTestId("audit-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a!.startsWith("user."))).toBe(true);

    const href = (await admin.getByTestId("audit-csv").getAttribute("href"))!;
    const cookie = (await admin.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const csv = await api(href, { cookie });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe("id,at,actor,action,target_type,target_id,project,detail");
    expect(lines.length).toBe(mine.length + 1);
    expect(lines.slice(1).every((l) => l.includes(",user."))).toBe(true);
    // Managers cannot read it.
    expect((await api(href, { token: serverInfo().users.manager.token })).status).toBe(403);
  });
});
