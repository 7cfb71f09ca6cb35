import { test, expect } from '@playwright/test';
import { expectNoAxeViolationsHere } from '../support/axe';
import { invitationPath, join } from '../support/desk';

// Embassies in any country, with JavaScript on ("js") and off ("no-js"): an admin opens an
// embassy (the Netherlands; without JavaScript Austria), names it and routes a neighbour to
// it (Belgium; Luxembourg); the requester's form lists the neighbour, and a request from
// there reaches that embassy's queue, where the admin finds it by its reference.

test('an admin opens an embassy and routes a neighbouring country to it', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const setup = js
    ? { country: 'NL', code: 'nl', name: 'People\'s Embassy of Belarus in the Netherlands', zone: 'Europe/Amsterdam', routed: 'BE', routedName: 'Belgium', city: 'Brussels' }
    : { country: 'AT', code: 'at', name: 'People\'s Embassy of Belarus in Austria', zone: 'Europe/Vienna', routed: 'LU', routedName: 'Luxembourg', city: 'Luxembourg' };
  const admin = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await join(admin, invitationPath('admin'), `admin-${Math.random().toString(36).slice(2, 8)}`);

  await test.step('the admin opens the embassy, leaving the zone to the country', async () => {
    await admin.goto('/desk/embassies?lang=en');
    await admin.locator('#create-country').selectOption(setup.country);
    await admin.locator('#create-name_en').fill(setup.name);
    await admin.locator('#embassy-create-form button[type=submit]').click();
    await expect(admin).toHaveURL(/saved=embassy-create/);
    const section = admin.locator(`#embassy-${setup.code}`);
    await expect(section.getByRole('heading', { level: 2 })).toHaveText(setup.name);
    await expect(admin.locator(`#embassy-${setup.code}-zone-now`)).toHaveText(setup.zone);
    await expect(admin.locator(`#embassy-${setup.code}-countries`)).toContainText(setup.country);
  });

  await test.step(`and routes ${setup.routedName} to it`, async () => {
    await admin.locator(`#embassy-${setup.code}-route`).selectOption(setup.routed);
    await admin.locator(`#embassy-${setup.code}-route-form button[type=submit]`).click();
    await expect(admin).toHaveURL(/saved=country-add/);
    await expect(admin.locator(`#embassy-${setup.code}-countries`)).toContainText(setup.routedName);
    await expectNoAxeViolationsHere(admin, browser, js, 'embassies page');
  });

  const requester = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  const reference = await test.step(`a requester in ${setup.routedName} asks for help`, async () => {
    await requester.goto('/?lang=en');
    await requester.locator('#categories-work').check();
    await requester.locator('#country').selectOption({ label: setup.routedName });
    await requester.locator('#city').fill(setup.city);
    await requester.locator('#description').fill('I am looking for work and need to know what my status allows.');
    await requester.locator('#name').fill('Andrei');
    await requester.locator('#contact_channel-site').check();
    await requester.locator('#consent').check();
    await requester.getByRole('button', { name: 'Send my request' }).click();
    await expect(requester.locator('#receipt-reference')).toBeVisible();
    return (await requester.locator('#receipt-reference').textContent())!.trim();
  });

  await test.step('the request is in the embassy\'s work queue', async () => {
    await admin.goto('/desk?lang=en');
    await admin.locator('#find-reference').fill(reference);
    await admin.locator('#find-form button[type=submit]').click();
    await expect(admin).toHaveURL(/\/desk\/cases\/[0-9a-f-]{36}$/);
    await expect(admin.locator('#route-queue option:checked')).toHaveText(`${setup.code} · work`);
  });
});
