import { test, expect, Page, BrowserContext } from '@playwright/test';
import { invitationPath } from '../support/desk';

// Passkeys, with Chromium's virtual authenticator (over the DevTools protocol): a volunteer
// joins, adds a passkey (at enrolment, or on the security page when no second factor is
// required of them), signs out, and signs in again with the password and the passkey.
// JavaScript only: without it the passkey button stays disabled and says why.

// A passkey is bound to a host name: the desk is opened at localhost, the relying party its
// loopback address stands for (browsers take no IP address as one).
const port = Number(process.env.E2E_PORT ?? 3100);
const base = `http://localhost:${port}`;
const password = 'a calm and long passphrase 7';

// A platform authenticator that checks its owner and answers at once.
async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const client = await context.newCDPSession(page);
  await client.send('WebAuthn.enable');
  const { authenticatorId } = await client.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { client, authenticatorId };
}

// Creates a passkey named `name` with the passkey form `form` of the page.
async function createPasskey(page: Page, form: string, name: string) {
  await page.locator(`#${form} #passkey-name`).fill(name);
  // The island enables the button once it runs; the note for browsers without it goes.
  await expect(page.locator(`#${form}-button`)).toBeEnabled();
  await expect(page.locator(`#${form}-needs-script`)).toBeHidden();
  await page.locator(`#${form}-button`).click();
}

test('a volunteer adds a passkey and signs in with it', async ({ browser }, info) => {
  test.skip(info.project.use.javaScriptEnabled === false, 'passkeys need JavaScript');
  const suffix = Math.random().toString(36).slice(2, 8);
  const login = `vol-pk-${suffix}`;
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  const { client, authenticatorId } = await virtualAuthenticator(context, page);

  await test.step('the volunteer joins and adds a passkey', async () => {
    await page.goto(base + invitationPath('volunteer', 'pl', 'all'));
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await page.locator('#password_again').fill(password);
    await page.locator('#join-form button[type=submit]').click();
    await expect(page).toHaveURL(/\/desk(\/second-factor)?$/);
    if (page.url().endsWith('/desk/second-factor')) {
      // A second factor is required: a passkey instead of the app.
      await createPasskey(page, 'passkey-form', 'laptop');
      await expect(page).toHaveURL(/\/desk$/);
    } else {
      await page.locator('nav.desk-nav a[href="/desk/security"]').click();
      await expect(page).toHaveURL(/\/desk\/security$/);
      await expect(page.locator('#no-passkeys')).toBeVisible();
      await createPasskey(page, 'passkey-add-form', 'laptop');
      await expect(page).toHaveURL(/\/desk\/security\?saved=passkey-add$/);
    }
    await page.goto(`${base}/desk/security`);
    await expect(page.locator('table.desk-table')).toContainText('laptop');
    const { credentials } = await client.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
  });

  await test.step('signed out, the volunteer signs in with the password and the passkey', async () => {
    await page.locator('form[action="/desk/logout"] button').click();
    await expect(page).toHaveURL(/\/desk\/login/);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await page.locator('#login-form button[type=submit]').click();
    await expect(page).toHaveURL(/\/desk\/second-factor$/);
    const button = page.locator('#passkey-form-button');
    await expect(button).toBeEnabled();
    await button.click();
    await expect(page).toHaveURL(/\/desk$/);
    await expect(page.locator('.desk-who')).toContainText(login);
  });

  await test.step('pages that offer no passkey load no script', async () => {
    await page.goto(`${base}/desk`);
    expect(await page.locator('script').count()).toBe(0);
    await page.goto(`${base}/desk/security`);
    expect(await page.locator('leptos-island').count()).toBe(1);
  });

  expect(problems).toEqual([]);
  await context.close();
});
