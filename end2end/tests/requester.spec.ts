import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoAxeViolationsHere } from '../support/axe';
import { embassyReplies } from '../support/desk';

// The requester's whole path, in each of the six languages, with JavaScript on ("js") and off ("no-js"):
// ask for help, note the reference and code, come back, read the embassy's reply, answer,
// delete the request.

const languages = [
  { code: 'be', button: 'Беларуская', submit: 'Адправіць запыт', sent: 'Ваш запыт адпраўлены', status: 'Статус' },
  { code: 'ru', button: 'Русский', submit: 'Отправить запрос', sent: 'Ваш запрос отправлен', status: 'Статус' },
  { code: 'en', button: 'English', submit: 'Send my request', sent: 'Your request has been sent', status: 'Status' },
  { code: 'uk', button: 'Українська', submit: 'Надіслати звернення', sent: 'Ваше звернення надіслано', status: 'Статус' },
  { code: 'pl', button: 'Polski', submit: 'Wyślij zgłoszenie', sent: 'Twoje zgłoszenie zostało wysłane', status: 'Status' },
  { code: 'lt', button: 'Lietuvių', submit: 'Siųsti kreipimąsi', sent: 'Jūsų kreipimasis išsiųstas', status: 'Būsena' },
];

async function fillIntake(page: Page, name: string) {
  await page.locator('#categories-legal_status').check();
  await page.locator('#categories-housing').check();
  await page.locator('#country').selectOption('PL');
  await page.locator('#city').fill('Białystok');
  await page.locator('#legal_status').selectOption('asylum_pending');
  await page.locator('#household_size').fill('2');
  await page.locator('#description').fill('I need advice on my asylum appeal. <b>not markup</b>');
  await page.locator('#name').fill(name);
  await page.locator('#contact_channel-site').check();
  await page.locator('#consent').check();
}

for (const lang of languages) {
  test(`ask for help, come back, answer and delete — ${lang.code}`, async ({ page, browser }, info) => {
    const js = info.project.use.javaScriptEnabled !== false;
    const problems: string[] = [];
    // A refused sign-in answers 422 on purpose; Chromium reports any 4xx page load.
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto('/');
    // Switching language keeps what was typed.
    await page.locator('#name').fill('Ales');
    await page.getByRole('button', { name: lang.button }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', lang.code);
    await expect(page.locator('#name')).toHaveValue('Ales');
    await expect(page.getByRole('button', { name: lang.submit })).toBeVisible();

    await fillIntake(page, `Ales ${lang.code}`);
    await page.getByRole('button', { name: lang.submit }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lang.sent);
    await expect(page).toHaveTitle('Help desk');
    const reference = (await page.locator('#receipt-reference').textContent())!.trim();
    const code = (await page.locator('#receipt-code').textContent())!.trim();
    expect(code.replace(/-/g, '')).toMatch(/^\d{25}$/);
    expect(page.url()).not.toContain(code);
    await expectNoAxeViolationsHere(page, browser, js, `receipt ${lang.code}`);

    await page.goto('/follow-up');
    await page.locator('#reference').fill(reference.toLowerCase());
    await page.locator('#code').fill(code.replace(/-/g, ' '));
    await page.locator('button.primary').click();
    await expect(page).toHaveURL(/\/follow-up\/case$/);
    await expect(page.locator('#case-status')).toBeVisible();
    await expect(page.locator('body')).not.toContainText(`Ales ${lang.code}`);

    embassyReplies(reference, `Embassy answer for ${lang.code}: please bring your decision letter.`);
    await page.reload();
    await expect(page.locator('#thread')).toContainText(`Embassy answer for ${lang.code}`);
    await expectNoAxeViolationsHere(page, browser, js, `case ${lang.code}`);

    await page.locator('#message-reply').fill(`Thank you, I will bring it (${lang.code}).`);
    await page.locator('form:has(#message-reply) button[type="submit"]').click();
    await expect(page.locator('.notice.success')).toBeVisible();
    await expect(page.locator('#thread')).toContainText(`Thank you, I will bring it (${lang.code}).`);

    await page.locator('a[href="/follow-up/delete"]').click();
    await expect(page).toHaveURL(/\/follow-up\/delete$/);
    await expectNoAxeViolationsHere(page, browser, js, `delete ${lang.code}`);
    await page.locator('button.danger').click();
    await expect(page).toHaveURL(/\/follow-up\/deleted$/);

    // The code opens nothing any more.
    await page.goto('/follow-up');
    await page.locator('#reference').fill(reference);
    await page.locator('#code').fill(code);
    await page.locator('button.primary').click();
    await expect(page.locator('#login-problem')).toBeVisible();
    // Every page hydrated without a mismatch or a blocked script.
    if (js) expect(problems).toEqual([]);
  });
}

test('mistakes are shown next to the fields and nothing typed is lost', async ({ page, browser }, info) => {
  const js = info.project.use.javaScriptEnabled !== false;
  await page.goto('/?lang=en');
  await page.locator('#categories-housing').check();
  await page.locator('#name').fill('Hanna <script>alert(1)</script>');
  await page.locator('#household_size').fill('many');
  await page.locator('#description').fill('We need a room for two weeks.');
  await page.getByRole('button', { name: 'Send my request' }).click();
  const summary = page.locator('#error-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toHaveAttribute('role', 'alert');
  if (js) await expect(summary).toBeFocused();
  await expect(page.locator('#household_size-error')).toContainText('Please give a number');
  await expect(page.locator('#household_size')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#consent-error')).toBeVisible();
  await expect(page.locator('#name')).toHaveValue('Hanna <script>alert(1)</script>');
  await expect(page.locator('#description')).toHaveValue('We need a room for two weeks.');
  await expect(page.locator('#categories-housing')).toBeChecked();
  await expectNoAxeViolationsHere(page, browser, js, 'form with errors');
});

test('a wrong code is refused like an unknown reference', async ({ page }) => {
  await page.goto('/follow-up?lang=en');
  await page.locator('#reference').fill('00000-00000');
  await page.locator('#code').fill('1234512345123451234512345');
  await page.locator('button.primary').click();
  await expect(page.locator('#login-problem')).toHaveText('The reference or the code is not correct. Please check both.');
  await expect(page.locator('#reference')).toHaveValue('00000-00000');
  await expect(page.locator('#code')).toHaveValue('');
});

test('requester pages have no accessibility violations', async ({ page, browser }, info) => {
  for (const path of ['/?lang=be', '/?lang=ru', '/follow-up?lang=en', '/follow-up/delete?lang=ru', '/follow-up/deleted?lang=be']) {
    await expectNoAxeViolations(page, browser, path, info.project.use.javaScriptEnabled !== false);
  }
});

test('what is chosen before the page comes alive stays shown', async ({ page }, info) => {
  test.skip(info.project.name !== 'js', 'without JavaScript every section is always shown');
  // A slow connection: the requester ticks and chooses while the page's code is still on its way.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await released;
    await route.continue();
  });
  await page.goto('/?lang=en', { waitUntil: 'domcontentloaded' });
  await page.locator('#categories-legal_status').check();
  await page.locator('#country').selectOption('other');
  await page.locator('#contact_channel-signal').check();
  release();
  // Alive: the sections of the categories not chosen are hidden, the chosen ones are not.
  await expect(page.locator('#section-documents')).toBeHidden();
  await expect(page.locator('#section-legal_status')).toBeVisible();
  await expect(page.locator('#other_country')).toBeVisible();
  await expect(page.locator('#contact_handle')).toBeVisible();
  await page.locator('#categories-legal_status').uncheck();
  await expect(page.locator('#section-legal_status')).toBeHidden();
});

test('the intake form works by keyboard alone', async ({ page }) => {
  await page.goto('/?lang=en');
  // Quick exit first, then the six buttons of the language switch, then the first question.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Leave this site' })).toBeFocused();
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Lietuvių' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('#categories-legal_status')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.locator('#categories-legal_status')).toBeChecked();
  await page.locator('#country').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#country')).toHaveValue('PL');
  await page.locator('#city').focus();
  await page.keyboard.type('Vilnius');
  await page.locator('#legal_status').focus();
  await page.keyboard.press('ArrowDown');
  await page.locator('#description').focus();
  await page.keyboard.type('Typed with the keyboard only.');
  await page.locator('#name').focus();
  await page.keyboard.type('Mikalai');
  await page.locator('#contact_channel-site').focus();
  await page.keyboard.press('Space');
  await page.locator('#consent').focus();
  await page.keyboard.press('Space');
  await page.locator('#name').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#receipt-code')).toBeVisible();
});
