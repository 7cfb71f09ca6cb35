import { test, expect, Page, Browser } from '@playwright/test';
import { expectNoAxeViolationsHere } from '../support/axe';
import { cli, invitationPath, join, PASSWORD, totp } from '../support/desk';

// A person's own account, with JavaScript on ("js") and off ("no-js"): a volunteer changes
// their password (a wrong current one is refused next to its field; their other device is
// signed out), and a lead issues a reset link with which a volunteer sets a new password
// and enrols a new second factor.

const NEW_PASSWORD = 'seven quiet herons over the river';

function collectProblems(page: Page, problems: string[]) {
  // Refused posts answer 4xx on purpose; Chromium reports any 4xx page load.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${m.text().split('\n')[0]}`); });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
}

// The password step of signing in; ends where the server sends the browser.
async function givePassword(page: Page, login: string, password: string) {
  await page.goto('/desk/login');
  await page.locator('#login').fill(login);
  await page.locator('#password').fill(password);
  await page.locator('#login-form button[type=submit]').click();
}

async function newPage(browser: Browser, js: boolean, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  collectProblems(page, problems);
  return page;
}

test('a volunteer changes their password; their other device is signed out', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const embassy = js ? 'lv' : 'ee';
  const login = `pw-${Math.random().toString(36).slice(2, 8)}`;
  cli(['add-embassy', embassy]);
  const problems: string[] = [];
  const page = await newPage(browser, js, problems);
  const other = await newPage(browser, js, problems);

  const secret = await test.step('the volunteer joins, and signs in on another device too', async () => {
    const secret = await join(page, invitationPath('volunteer', embassy, 'all'), login);
    await givePassword(other, login, PASSWORD);
    await expect(other).toHaveURL(/\/desk\/second-factor$/);
    await other.locator('#code').fill(totp(secret, 1));
    await other.locator('#code-form button[type=submit]').click();
    await expect(other).toHaveURL(/\/desk$/);
    return secret;
  });
  expect(secret).toBeTruthy();

  await test.step("from the desk's header to the password page", async () => {
    await page.getByRole('link', { name: 'Change password' }).click();
    await expect(page).toHaveURL(/\/desk\/password$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change your password');
    await expectNoAxeViolationsHere(page, browser, js, 'password page');
  });

  await test.step('a wrong current password is refused next to its field; nothing typed comes back', async () => {
    await page.locator('#current_password').fill('not my password at all');
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password_again').fill(NEW_PASSWORD);
    await page.locator('#password-form button[type=submit]').click();
    await expect(page.locator('#current_password-error')).toContainText('not your current password');
    await expect(page.locator('#current_password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#password')).toHaveValue('');
    await expectNoAxeViolationsHere(page, browser, js, 'password page with an error');
  });

  await test.step('the new password, twice: saved; this device stays signed in, the other is signed out', async () => {
    await page.locator('#current_password').fill(PASSWORD);
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password_again').fill(NEW_PASSWORD);
    await page.locator('#password-form button[type=submit]').click();
    await expect(page).toHaveURL(/\/desk\/password\?saved=password$/);
    await expect(page.locator('p.notice.success')).toBeVisible();
    await page.goto('/desk');
    await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
    await other.goto('/desk');
    await expect(other.locator('a[href="/desk/login"]')).toBeVisible();
  });

  await test.step('the old password opens nothing; the new one leads to the second factor', async () => {
    await givePassword(other, login, PASSWORD);
    await expect(other.locator('#login-notice')).toBeVisible();
    await givePassword(other, login, NEW_PASSWORD);
    await expect(other).toHaveURL(/\/desk\/second-factor$/);
  });
  expect(problems).toEqual([]);
});

test('a lead issues a reset link; the volunteer sets a new password and a new second factor', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const embassy = js ? 'ge' : 'ua';
  const suffix = Math.random().toString(36).slice(2, 8);
  const volunteerLogin = `reset-${suffix}`;
  cli(['add-embassy', embassy]);
  const problems: string[] = [];
  const lead = await newPage(browser, js, problems);
  const volunteer = await newPage(browser, js, problems);

  const oldSecret = await test.step('a lead and a volunteer of one embassy join', async () => {
    await join(lead, invitationPath('lead', embassy), `lead-${suffix}`);
    return join(volunteer, invitationPath('volunteer', embassy, 'all'), volunteerLogin);
  });

  const link = await test.step("the lead opens the volunteer's entry and makes a reset link, shown once", async () => {
    await lead.goto('/desk/team');
    await lead.getByRole('link', { name: new RegExp(`Change.*${volunteerLogin}`) }).click();
    await expect(lead).toHaveURL(/\/desk\/team\?person=/);
    await lead.getByRole('button', { name: new RegExp(`Make a reset link.*${volunteerLogin}`) }).click();
    const shown = await lead.locator('#new-reset-link').inputValue();
    expect(shown).toContain('/desk/reset/');
    await expectNoAxeViolationsHere(lead, browser, js, 'team page with a reset link');
    return shown;
  });

  await test.step('the volunteer is signed out, and the old password opens nothing', async () => {
    await volunteer.goto('/desk');
    await expect(volunteer.locator('a[href="/desk/login"]')).toBeVisible();
    await givePassword(volunteer, volunteerLogin, PASSWORD);
    await expect(volunteer.locator('#login-notice')).toBeVisible();
  });

  const path = new URL(link).pathname;
  await test.step('the link names the account; two different passwords are refused', async () => {
    await volunteer.goto(path);
    await expect(volunteer.locator('#reset-login')).toHaveText(volunteerLogin);
    await expectNoAxeViolationsHere(volunteer, browser, js, 'reset page');
    await volunteer.locator('#password').fill(NEW_PASSWORD);
    await volunteer.locator('#password_again').fill('something else entirely');
    await volunteer.locator('#reset-form button[type=submit]').click();
    await expect(volunteer.locator('#password_again-error')).toBeVisible();
  });

  await test.step('a new password, then a new second factor: the desk opens', async () => {
    await volunteer.locator('#password').fill(NEW_PASSWORD);
    await volunteer.locator('#password_again').fill(NEW_PASSWORD);
    await volunteer.locator('#reset-form button[type=submit]').click();
    await expect(volunteer).toHaveURL(/\/desk\/second-factor$/);
    await expect(volunteer.locator('figure svg')).toBeVisible();
    const secret = (await volunteer.locator('#totp-secret').textContent())!;
    expect(secret.replace(/\s/g, '')).not.toBe(oldSecret.replace(/\s/g, ''));
    await volunteer.locator('#code').fill(totp(secret));
    await volunteer.locator('#code-form button[type=submit]').click();
    await expect(volunteer).toHaveURL(/\/desk$/);
    await expect(volunteer.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
  });

  await test.step('the link worked once', async () => {
    await volunteer.goto(path);
    await expect(volunteer.locator('#reset-gone')).toBeVisible();
    await expect(volunteer.locator('#reset-form')).toHaveCount(0);
  });
  expect(problems).toEqual([]);
});
