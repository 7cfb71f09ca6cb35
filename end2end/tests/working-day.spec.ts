import { test, expect } from '@playwright/test';
import { expectNoAxeViolationsHere } from '../support/axe';
import { cli, invitationPath, join } from '../support/desk';

// The desk's working day, with JavaScript on ("js") and off ("no-js"): a lead writes the
// embassy's canned replies and switches on the automatic acknowledgement; a requester who
// reads Ukrainian asks for help and is greeted in Ukrainian; the lead finds the case by the
// reference read out to them and answers with a canned reply; the requester reads it, in
// Ukrainian.

const ACK = 'Ми отримали ваше звернення. Волонтер відповість протягом трьох днів.';
const CANNED = 'Для посвідки на проживання візьміть паспорт і договір оренди.';

test('a canned reply in the requester\'s language, found by reference', async ({ browser }, info) => {
  test.setTimeout(150_000);
  const js = info.project.use.javaScriptEnabled !== false;
  // Each project works in an embassy of its own.
  const embassy = js ? { code: 'gb', country: 'GB' } : { code: 'us', country: 'US' };
  cli(['add-embassy', embassy.code]);
  const lead = await (await browser.newContext({ javaScriptEnabled: js })).newPage();

  await test.step('a lead writes a canned reply and the acknowledgement in Ukrainian', async () => {
    await join(lead, invitationPath('lead', embassy.code), `day-${Math.random().toString(36).slice(2, 8)}`);
    await lead.goto('/desk/replies?lang=en');
    await lead.locator('#add-language').selectOption('uk');
    await lead.locator('#add-title').fill('Посвідка на проживання');
    await lead.locator('#add-body').fill(CANNED);
    await lead.locator('#canned-add-form button[type=submit]').click();
    await expect(lead).toHaveURL(/saved=canned-add/);
    await expect(lead.locator('#canned-list')).toContainText('Посвідка на проживання');
    await lead.locator('#ack-on').check();
    await lead.locator('#ack-uk').fill(ACK);
    await lead.locator('#acknowledgement-form button[type=submit]').click();
    await expect(lead).toHaveURL(/saved=acknowledgement/);
    await expect(lead.locator('#ack-on')).toBeChecked();
    await expectNoAxeViolationsHere(lead, browser, js, 'canned replies page');
  });

  const requester = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  const { reference, code } = await test.step('a requester asks for help in Ukrainian', async () => {
    await requester.goto('/?lang=uk');
    await expect(requester.locator('html')).toHaveAttribute('lang', 'uk');
    await requester.locator('#categories-legal_status').check();
    await requester.locator('#country').selectOption(embassy.country);
    await requester.locator('#city').fill('London');
    await requester.locator('#legal_status').selectOption('visa');
    await requester.locator('#description').fill('Мені потрібна допомога з посвідкою на проживання.');
    await requester.locator('#name').fill('Оксана');
    await expect(requester.locator('#language')).toHaveValue('uk');
    await requester.locator('#contact_channel-site').check();
    await requester.locator('#consent').check();
    await requester.getByRole('button', { name: 'Надіслати звернення' }).click();
    await expect(requester.getByRole('heading', { level: 1 })).toHaveText('Ваше звернення надіслано');
    return {
      reference: (await requester.locator('#receipt-reference').textContent())!.trim(),
      code: (await requester.locator('#receipt-code').textContent())!.trim(),
    };
  });

  await test.step('the lead finds the case by its reference and answers with the canned reply', async () => {
    await lead.goto('/desk?lang=en');
    await lead.locator('#find-reference').fill(reference.toLowerCase().replace('-', ' '));
    await lead.locator('#find-form button[type=submit]').click();
    await expect(lead).toHaveURL(/\/desk\/cases\/[0-9a-f-]{36}$/);
    await expect(lead.locator('ol.timeline')).toContainText('Automatic acknowledgement');
    await lead.locator('#reply-body').fill('Добрий день!');
    await lead.locator('#canned').selectOption({ label: 'Посвідка на проживання' });
    await lead.locator('#canned-insert').click();
    await expect(lead.locator('#reply-body')).toHaveValue(`Добрий день!\n\n${CANNED}`);
    await expectNoAxeViolationsHere(lead, browser, js, 'case page with a canned reply put in');
    await lead.locator('#reply-form button.primary').click();
    await expect(lead).toHaveURL(/saved=reply/);
  });

  await test.step('the requester reads both messages in Ukrainian', async () => {
    await requester.goto('/follow-up');
    await requester.locator('#reference').fill(reference);
    await requester.locator('#code').fill(code);
    await requester.locator('button.primary').click();
    await expect(requester).toHaveURL(/\/follow-up\/case$/);
    await expect(requester.locator('html')).toHaveAttribute('lang', 'uk');
    await expect(requester.locator('#thread')).toContainText(ACK);
    await expect(requester.locator('#thread')).toContainText(CANNED);
    await expectNoAxeViolationsHere(requester, browser, js, 'follow-up page in Ukrainian');
  });
});
