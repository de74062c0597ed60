import { chromium, type Browser } from 'playwright-core';
import { freePort } from 'test/utils/free-port';
import { createTestApp, type TestApp } from 'test/utils/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The explorer in a real browser (headless Debian Chromium): renders under helmet's headers and "Try it out" works. */
describe('Swagger UI in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The document's server URL must be where the browser can reach the API.
    t = await createTestApp({ BASE_URL: base });
    await t.app.listen(port, '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the operations and executes a public one', async () => {
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const response = await page.goto(`${base}/api/v1/docs`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBeDefined();

    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const summaries = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(summaries.map((text) => text.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining([
        '/auth/check-username',
        '/video',
        '/video/{videoId}',
        '/playlist/{playlistId}',
      ]),
    );

    const operation = page
      .locator('.opblock-get')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/auth/check-username"]') });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('input[placeholder="username"]').fill('new_dancer');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const body = operation
      .locator('.responses-wrapper .live-responses-table .response-col_description pre')
      .first();
    await body.waitFor({ timeout: 20_000 });
    const text = (await body.innerText()).replace(/\s+/g, '');
    expect(text).toContain('"message":"Usernameisavailable"');
    expect(text).toContain('"data":{"available":true}');
    expect(cspViolations).toEqual([]);
    // Kept under var/ (ignored by git) for a person to look at after the run.
    await page.screenshot({ path: 'var/test-artifacts/swagger-ui.png', fullPage: false });
  }, 60_000);
});
