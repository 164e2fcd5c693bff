import { createTodoClient } from '@todo/client';
import type { Page } from 'playwright-core';
import t from 'tap';
import { launchChromium } from './support/browser.js';
import { observe, type Observations } from './support/observe.js';
import { ensureWebBuild, freePort, startApiFor, startWeb } from './support/servers.js';

// The whole app in Chromium: the built Next.js app (`next start`) with Better Auth, against the real API, both on
// free loopback ports. The subtests run in order and share the browser: the first one signs Alice up.

const PASSWORD = 'correct horse battery staple';
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

t.setTimeout(600_000);
await ensureWebBuild();
const webPort = await freePort();
const apiUrl = await startApiFor(t, `http://localhost:${webPort}`);
const web = await startWeb(t, { port: webPort, apiUrl });
const browser = await launchChromium(t);

/** Retries `check` until it passes (the list reloads after each change), failing with its last error after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const equal = <T>(actual: T, expected: T): T => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return actual;
};

/** The titles the list shows, top to bottom: the names of its checkboxes. */
const listedTitles = (page: Page) =>
  page
    .getByRole('list', { name: 'Tasks' })
    .getByRole('checkbox')
    .evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).labels?.[0]?.textContent ?? ''));

const showsTitles = (page: Page, titles: string[]) => eventually(async () => equal(await listedTitles(page), titles));

const statusMessage = (page: Page) => page.getByRole('main').getByRole('status');
// Next.js adds a route announcer with role="alert" of its own, outside main.
const problemMessage = (page: Page) => page.getByRole('main').getByRole('alert');

async function signUp(page: Page, name: string, email: string) {
  await page.goto(web.origin);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor();
}

async function signIn(page: Page, email: string) {
  await page.goto(web.origin);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor();
}

/** The API as the signed-in user of `page`: a jwt() token from Better Auth, as the app itself gets one. */
async function apiAs(page: Page) {
  const token = await page.evaluate(async () => ((await (await fetch('/api/auth/token')).json()) as { token: string }).token);
  return createTodoClient({ baseUrl: apiUrl, getToken: () => token }).tasks;
}

const aliceContext = await browser.newContext();
const alice: Observations = observe(aliceContext);
const page = await aliceContext.newPage();
const aliceEmail = `alice-${Date.now()}@example.com`;
/** Failed answers the tests below provoke on purpose. */
const provoked: string[] = [];

t.test('sign up with email and password: the new user sees an empty list', async (t) => {
  await signUp(page, 'Alice', aliceEmail);
  await page.getByText('No tasks here.').waitFor();
  t.match(await page.getByRole('banner').textContent(), /Signed in as Alice/);
  t.match(await page.getByText(/0 tasks/).textContent(), /0 tasks: 0 pending, 0 completed, 0 overdue/);
});

t.test('landmarks, headings, labelled fields and real buttons', async (t) => {
  t.equal(await page.getByRole('banner').count(), 1, 'a header');
  t.equal(await page.getByRole('main').count(), 1, 'a main');
  t.equal(await page.getByRole('navigation', { name: 'Pages' }).count(), 1, 'a nav for the pages');
  t.equal(await page.getByRole('search').count(), 1, 'a search form');
  t.strictSame(await page.getByRole('heading', { level: 2 }).allTextContents(), ['Add a task', 'Find tasks', 'Tasks']);
  const unlabelled = await page.locator('input, select, textarea').evaluateAll((fields) =>
    fields.filter((field) => (field as HTMLInputElement).labels?.length === 0 && !field.getAttribute('aria-label')).map((field) => field.outerHTML),
  );
  t.strictSame(unlabelled, [], 'every field has a label');
  t.equal(await page.locator('[onclick], div[role=button], a[href="#"]').count(), 0, 'no clickable non-buttons');
  t.equal(await page.getByRole('main').getByRole('status').count(), 1, 'one polite live region for outcomes');
  t.equal(await page.getByRole('main').getByRole('alert').count(), 1, 'one assertive region for problems');
});

t.test('add a task with the keyboard alone', async (t) => {
  const form = page.getByRole('form', { name: 'Add a task' });
  await form.getByLabel('Title').focus();
  await page.keyboard.type('Typed task');
  await page.keyboard.press('Enter');
  await showsTitles(page, ['Typed task']);
  t.equal(await statusMessage(page).textContent(), 'Added Typed task.');
  await page.getByRole('checkbox', { name: 'Typed task' }).focus();
  await page.keyboard.press('Space');
  await eventually(async () => equal(await statusMessage(page).textContent(), 'Completed Typed task.'));
  t.ok(await page.getByRole('checkbox', { name: 'Typed task' }).isChecked(), 'the space bar ticked the box');
});

t.test('add a task with every field: title, description, priority, tags and due date', async (t) => {
  const form = page.getByRole('form', { name: 'Add a task' });
  await form.getByLabel('Title').fill('Pay rent');
  await form.getByLabel('Description').fill('Before the 5th');
  await form.getByLabel('Priority').selectOption({ label: 'High' });
  await form.getByLabel('Tags').fill('home, Money');
  await form.getByLabel('Due date').fill('2030-01-15T09:30');
  await form.getByRole('button', { name: 'Add task' }).click();
  await showsTitles(page, ['Pay rent', 'Typed task']);
  const item = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Pay rent' }) });
  const text = await item.textContent();
  t.match(text, 'Before the 5th');
  t.match(text, 'High priority');
  t.match(text, /Tags: homeMoney/);
  t.match(text, /Due Jan 15, 2030/);
  t.equal(await form.getByLabel('Title').inputValue(), '', 'the form is ready for the next task');
});

t.test('edit a task: every field changes', async (t) => {
  await page.getByRole('button', { name: 'Edit Pay rent' }).click();
  const form = page.getByRole('form', { name: 'Edit Pay rent' });
  t.equal(await form.getByLabel('Title').inputValue(), 'Pay rent', 'the form holds the task');
  t.equal(await form.getByLabel('Tags').inputValue(), 'home, Money');
  await form.getByLabel('Title').fill('Pay the rent');
  await form.getByLabel('Description').fill('');
  await form.getByLabel('Priority').selectOption({ label: 'Low' });
  await form.getByLabel('Tags').fill('flat');
  await form.getByLabel('Due date').fill('2031-02-01T18:00');
  await form.getByRole('button', { name: 'Save' }).click();
  await showsTitles(page, ['Pay the rent', 'Typed task']);
  t.equal(await statusMessage(page).textContent(), 'Saved Pay the rent.');
  const [task] = (await (await apiAs(page)).list({ q: 'rent' })).tasks;
  t.match(task, { title: 'Pay the rent', description: null, priority: 'low', tags: ['flat'] });
  t.equal(new Date(task!.due_date!).getTime(), new Date(2031, 1, 1, 18, 0).getTime(), 'the local time entered, as an instant');
});

t.test('an edit of a task changed meanwhile elsewhere is refused with the API detail, not saved over it', async (t) => {
  await page.getByRole('button', { name: 'Edit Pay the rent' }).click();
  await (await apiAs(page)).update((await (await apiAs(page)).list({ q: 'rent' })).tasks[0]!.id, { description: 'changed elsewhere' });
  const form = page.getByRole('form', { name: 'Edit Pay the rent' });
  await form.getByLabel('Title').fill('Overwrite');
  await form.getByRole('button', { name: 'Save' }).click();
  await eventually(async () => equal(await problemMessage(page).textContent(), 'The task changed since you read it: get it again, then retry with its new ETag.'));
  await form.getByRole('button', { name: 'Cancel' }).click();
  await showsTitles(page, ['Pay the rent', 'Typed task']);
  t.pass('the change made elsewhere stayed');
});

t.test("the API's detail is shown when it refuses a task", async (t) => {
  const form = page.getByRole('form', { name: 'Add a task' });
  await form.getByLabel('Title').fill('   ');
  const refused = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().startsWith(`${apiUrl}/api/tasks`));
  await form.getByRole('button', { name: 'Add task' }).click();
  const response = await refused;
  t.equal(response.status(), 422);
  provoked.push('422 POST /api/tasks');
  const { detail } = (await response.json()) as { detail: string };
  await eventually(async () => equal(await problemMessage(page).textContent(), detail));
  t.ok(detail.length > 0);
});

t.test('toggle a task with its checkbox: completed, then pending again', async (t) => {
  const box = page.getByRole('checkbox', { name: 'Pay the rent' });
  await box.check();
  await eventually(async () => equal(await page.getByText(/\d+ tasks?:/).textContent(), '2 tasks: 0 pending, 2 completed, 0 overdue'));
  await box.uncheck();
  await eventually(async () => equal(await page.getByText(/\d+ tasks?:/).textContent(), '2 tasks: 1 pending, 1 completed, 0 overdue'));
  t.equal(await statusMessage(page).textContent(), 'Reopened Pay the rent.');
});

t.test('delete a task', async (t) => {
  await page.getByRole('button', { name: 'Delete Pay the rent' }).click();
  await showsTitles(page, ['Typed task']);
  t.equal(await statusMessage(page).textContent(), 'Deleted Pay the rent.');
});

t.test('clear completed deletes every completed task and keeps the others', async (t) => {
  const api = await apiAs(page);
  const done = await api.create({ title: 'Done already' });
  await api.complete(done.id, true);
  await api.create({ title: 'Still to do' });
  await page.reload();
  await showsTitles(page, ['Still to do', 'Done already', 'Typed task']);
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await showsTitles(page, ['Still to do']);
  t.equal(await statusMessage(page).textContent(), 'Cleared 2 completed tasks.');
  t.ok(await page.getByRole('button', { name: 'Clear completed' }).isDisabled(), 'nothing left to clear');
});

t.test('filters, search, sort and pages', async (t) => {
  const api = await apiAs(page);
  await api.clearCompleted();
  for (const task of (await api.list()).tasks) await api.delete(task.id);
  const seed = [
    { title: 'Buy milk', priority: 'low', tags: ['home'] },
    { title: 'Write report', priority: 'high', tags: ['work'], description: 'quarterly numbers' },
    { title: 'Call mom', priority: 'medium', tags: ['home', 'family'] },
    { title: 'Fix bike', priority: 'high', tags: ['home'], due_date: '2021-01-01T00:00:00Z' },
    { title: 'Answer email', priority: 'medium', tags: ['work'] },
    { title: 'Book dentist', priority: 'low', tags: [] },
  ] as const;
  for (const fields of seed) await api.create({ ...fields, tags: [...fields.tags] });
  const callMom = (await api.list({ q: 'mom' })).tasks[0]!;
  await api.complete(callMom.id, true);
  await page.reload();
  const everything = ['Book dentist', 'Answer email', 'Fix bike', 'Call mom', 'Write report', 'Buy milk'];
  await showsTitles(page, everything);
  const search = page.getByRole('search');

  await search.getByLabel('Status').selectOption({ label: 'Completed' });
  await showsTitles(page, ['Call mom']);
  await search.getByLabel('Status').selectOption({ label: 'Pending' });
  await showsTitles(page, ['Book dentist', 'Answer email', 'Fix bike', 'Write report', 'Buy milk']);
  await search.getByLabel('Status').selectOption({ label: 'All' });

  await search.getByLabel('Priority').selectOption({ label: 'High' });
  await showsTitles(page, ['Fix bike', 'Write report']);
  await search.getByLabel('Priority').selectOption({ label: 'Any' });

  await search.getByLabel('Tag').fill('work');
  await showsTitles(page, ['Answer email', 'Write report']);
  await search.getByLabel('Tag').fill('');

  await search.getByLabel('Search').fill('NUMBERS');
  await showsTitles(page, ['Write report']);
  await search.getByLabel('Search').fill('');
  await showsTitles(page, everything);
  t.match(await page.getByText('Overdue:').count(), 1, 'the overdue task says so');

  await search.getByLabel('Sort by').selectOption({ label: 'Title' });
  await search.getByLabel('Order').selectOption({ label: 'Ascending' });
  await showsTitles(page, [...everything].sort());
  await search.getByLabel('Sort by').selectOption({ label: 'Priority' });
  await search.getByLabel('Order').selectOption({ label: 'Descending' });
  await eventually(async () => equal((await listedTitles(page)).slice(0, 2).sort(), ['Fix bike', 'Write report']));

  await search.getByLabel('Sort by').selectOption({ label: 'Title' });
  await search.getByLabel('Order').selectOption({ label: 'Ascending' });
  await search.getByLabel('Per page').selectOption('5');
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await showsTitles(page, [...everything].sort().slice(0, 5));
  t.ok(await pages.getByRole('button', { name: 'Previous page' }).isDisabled());
  await pages.getByRole('button', { name: 'Next page' }).click();
  await showsTitles(page, [...everything].sort().slice(5));
  t.match(await pages.textContent(), 'Page 2');
  t.ok(await pages.getByRole('button', { name: 'Next page' }).isDisabled(), 'the last page');
  await pages.getByRole('button', { name: 'Previous page' }).click();
  await showsTitles(page, [...everything].sort().slice(0, 5));
});

t.test('live: a change made in another tab of the same user appears without a reload', async (t) => {
  const otherContext = await browser.newContext();
  t.teardown(() => otherContext.close());
  const other = await otherContext.newPage();
  await signIn(other, aliceEmail);
  await page.waitForTimeout(500);
  const form = other.getByRole('form', { name: 'Add a task' });
  await form.getByLabel('Title').fill('Added in the other tab');
  await form.getByRole('button', { name: 'Add task' }).click();
  await eventually(async () => equal((await listedTitles(page)).includes('Added in the other tab'), true), 5_000);
  await other.getByRole('button', { name: 'Delete Added in the other tab' }).click();
  await eventually(async () => equal((await listedTitles(page)).includes('Added in the other tab'), false), 5_000);
  t.pass('both changes arrived');
});

t.test('a second user sees nothing of the first', async (t) => {
  const bobContext = await browser.newContext();
  t.teardown(() => bobContext.close());
  const bob = observe(bobContext);
  const bobPage = await bobContext.newPage();
  await signUp(bobPage, 'Bob', `bob-${Date.now()}@example.com`);
  await bobPage.getByText('No tasks here.').waitFor();
  t.match(await bobPage.getByText(/0 tasks/).textContent(), '0 tasks: 0 pending, 0 completed, 0 overdue');
  await bobPage.getByRole('search').getByLabel('Search').fill('milk');
  await bobPage.waitForTimeout(800);
  t.equal(await bobPage.getByRole('list', { name: 'Tasks' }).count(), 0);
  t.strictSame(bob.consoleErrors, []);
});

t.test('sign out: back to the sign-in form, and a reload stays signed out', async (t) => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  t.equal(await page.getByRole('heading', { name: 'My tasks' }).count(), 0);
  await signIn(page, aliceEmail);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  t.pass('signed in again and out again');
});

t.test('the token travels in the Authorization header only: never in a URL, never in storage', async (t) => {
  const apiRequests = alice.requestUrls.filter((url) => url.startsWith(apiUrl));
  t.ok(apiRequests.length > 20, `the browser called the API (${apiRequests.length} requests)`);
  t.ok(alice.authorizations.some((header) => /^Bearer eyJ/.test(header)), 'with a bearer JWT');
  t.strictSame(alice.requestUrls.filter((url) => JWT.test(url)), [], 'no JWT in any request URL');
  const stored = await page.evaluate(() => [
    ...Object.entries(localStorage).map(([key, value]) => `${key}=${value}`),
    ...Object.entries(sessionStorage).map(([key, value]) => `${key}=${value}`),
  ]);
  t.strictSame(stored.filter((entry) => JWT.test(entry)), [], 'no JWT in localStorage or sessionStorage');
});

t.test('no console errors, no uncaught exceptions, no failed answers but those provoked', async (t) => {
  t.strictSame(alice.consoleErrors, []);
  t.strictSame(alice.pageErrors, []);
  t.strictSame(
    alice.failedResponses.filter((failure) => !provoked.includes(failure)),
    [],
  );
});
