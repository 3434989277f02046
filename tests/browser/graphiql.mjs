// Opens GraphiQL in headless Chromium, puts a token in the headers editor, runs a query and checks
// the answer; fails on any request to another host, any script error or any content-policy
// violation. Run by tests/browser/run.sh (BASE: the gateway's URL, TOKEN: an ADMIN token).
import { chromium } from 'playwright-core';

const base = process.env.BASE;
const token = process.env.TOKEN;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const failures = [];
try {
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== base) foreign.push(r.url());
  });
  page.on('pageerror', (e) => failures.push(`script error: ${e}`));
  // Before a token is entered, the schema request is refused (401): expected, and not a failure.
  let tokenEntered = false;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (!tokenEntered && m.text().includes('401')) return;
    failures.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/graphiql`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30000 });
  // The editor tools open on Headers (init.js); the variables editor is there too, hidden.
  await page.waitForSelector('.graphiql-editor-tool .CodeMirror >> visible=true', { timeout: 30000 });
  const hint = await page.textContent('#hint');
  if (!hint.includes('keluarga-gateway token')) failures.push(`no dev-token hint: ${hint}`);
  // Type as a person would: the token into the headers editor, the query into the query editor.
  const headers = page.locator('.graphiql-editor-tool .CodeMirror >> visible=true');
  await headers.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
  tokenEntered = true;
  await page.locator('.graphiql-query-editor .CodeMirror').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText('{ me { role scope } region(code: "33.75") { name } }');
  await page.click('.graphiql-execute-button');
  try {
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue().includes('Kota Pekalongan'),
      null,
      { timeout: 30000 },
    );
  } catch (e) {
    const seen = await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue());
    throw new Error(`no answer in the result pane (it shows ${JSON.stringify(seen)}; ${failures.join('; ')})`);
  }
  const answer = JSON.parse(
    await page.evaluate(() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()),
  );
  const want = { me: { role: 'ADMIN', scope: '' }, region: { name: 'Kota Pekalongan' } };
  if (JSON.stringify(answer.data) !== JSON.stringify(want)) {
    failures.push(`answer: ${JSON.stringify(answer)}`);
  }
  if (foreign.length) failures.push(`requests to other hosts: ${foreign.join(', ')}`);
  console.log(`GraphiQL: ran a query with a token and got ${JSON.stringify(answer.data)}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
