import { test, expect } from '@playwright/test';
import { expectNoAxeViolationsHere } from '../support/axe';
import { embassyReplies, invitationPath, join } from '../support/desk';
import { mails } from '../support/mail';

// Notifications by e-mail, with JavaScript on ("js") and off ("no-js"), through a real SMTP
// server: a volunteer gives their address (a wrong one first), a request in their queue
// reaches them as an e-mail that names no case; a requester who gave an e-mail address asks
// to be told of new messages, and the embassy's reply reaches them as "you have a new message".

test('work arrives by e-mail, saying nothing of the case', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const js = info.project.use.javaScriptEnabled !== false;
  const tag = `${info.project.name}-${Math.random().toString(36).slice(2, 8)}`;
  const volunteerAddress = `vol-${tag}@example.org`;
  const requesterAddress = `req-${tag}@example.org`;
  const desk = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await join(desk, invitationPath('volunteer', 'pl', 'work'), `vol-${tag}`);

  await test.step('the volunteer gives a wrong address, then a right one', async () => {
    await desk.goto('/desk?lang=en');
    await desk.locator('nav.desk-nav a[href="/desk/notifications"]').click();
    await desk.locator('#notify-email').fill('vol at example');
    await desk.locator('#notify-save-form button[type=submit]').click();
    await expect(desk.locator('#notify-email-error')).toContainText('not an e-mail address');
    await expect(desk.locator('#notify-email')).toHaveValue('vol at example');
    await expectNoAxeViolationsHere(desk, browser, js, 'notifications page, refused');
    await desk.locator('#notify-email').fill(volunteerAddress);
    await desk.locator('#notify-mode_new_case').selectOption('now');
    await desk.locator('#notify-save-form button[type=submit]').click();
    await expect(desk).toHaveURL(/saved=notify-save/);
    await expect(desk.locator('#notify-current')).toContainText('v•••@example.org');
    await expect(desk.locator('#notify-email')).toHaveValue('');
    await expectNoAxeViolationsHere(desk, browser, js, 'notifications page');
  });

  const requester = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  const { reference, code } = await test.step('a requester asks for help, to be answered by e-mail', async () => {
    await requester.goto('/?lang=en');
    await requester.locator('#categories-work').check();
    await requester.locator('#country').selectOption('PL');
    await requester.locator('#city').fill('Gdańsk');
    await requester.locator('#description').fill('I need to know whether my permit lets me work.');
    await requester.locator('#name').fill('Maryna');
    await requester.locator('#contact_channel-email').check();
    await requester.locator('#contact_handle').fill(requesterAddress);
    await requester.locator('#consent').check();
    await requester.getByRole('button', { name: 'Send my request' }).click();
    await expect(requester.locator('#receipt-reference')).toBeVisible();
    return {
      reference: (await requester.locator('#receipt-reference').textContent())!.trim(),
      code: (await requester.locator('#receipt-code').textContent())!.trim(),
    };
  });

  await test.step('the volunteer is e-mailed: how many and where, not what', async () => {
    await expect.poll(() => mails().filter((m) => m.to === volunteerAddress).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const mail = mails().find((m) => m.to === volunteerAddress)!;
    expect(mail.subject).toBe('New work at the desk');
    expect(mail.body).toContain('new request');
    expect(mail.body).toContain('/desk');
    for (const secret of [reference, 'Maryna', 'permit lets me work', requesterAddress]) {
      expect(mail.raw).not.toContain(secret);
      expect(mail.body).not.toContain(secret);
    }
  });

  await test.step('the requester asks to be e-mailed when there is a new message', async () => {
    await requester.goto('/follow-up?lang=en');
    await requester.locator('#reference').fill(reference);
    await requester.locator('#code').fill(code);
    await requester.locator('button.primary').click();
    await expect(requester).toHaveURL(/\/follow-up\/case/);
    await expect(requester.locator('#notify-state')).toHaveText('We do not e-mail you.');
    await requester.locator('#notify-switch').click();
    await expect(requester.locator('#notify-state')).toHaveText('We e-mail you when the desk writes to you.');
    await expectNoAxeViolationsHere(requester, browser, js, 'follow-up page with the e-mail choice');
  });

  await test.step('the embassy answers; the requester is told, without the answer', async () => {
    embassyReplies(reference, 'Your permit allows work; bring it on Tuesday.');
    await expect.poll(() => mails().filter((m) => m.to === requesterAddress).length, { timeout: 30_000 }).toBe(1);
    const mail = mails().find((m) => m.to === requesterAddress)!;
    expect(mail.body).toContain('/follow-up');
    for (const secret of [reference, 'Tuesday', 'Maryna']) {
      expect(mail.raw).not.toContain(secret);
      expect(mail.body).not.toContain(secret);
    }
  });
});
