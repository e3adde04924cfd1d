/**
 * The report in a real browser (not a vitest file; .ci/run calls it after installing Debian's chromium):
 *
 *   npx tsx test/browser/report.browser.ts [results/index.html]
 *
 * Opens the page headless, offline (any request that is not for a local file fails the check),
 * and asserts that every chart container holds an SVG of non-zero size, that no chart is missing
 * and that the page raised no script error. For every flow player: moving the slider to another
 * tick changes the picture (compared as pixels), and the play button advances the tick. Saves a
 * screenshot beside the report (report-screenshot.png): the first flow player if there is one,
 * else the top of the page. Exits 0, or 1 with one line saying what failed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

async function checkCharts(page: Page): Promise<number> {
  const charts = await page.$$eval('[data-chart]', (els) =>
    els.map((el) => {
      const svg = el.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return { key: el.getAttribute('data-chart') ?? '?', width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, rect, line, text').length ?? 0 };
    }),
  );
  if (charts.length === 0) fail('no chart containers ([data-chart]) on the page');
  const broken = charts.filter((c) => !(c.width > 0 && c.height > 0) || c.marks === 0);
  if (broken.length > 0) fail(`${broken.length} of ${charts.length} charts did not render: ${broken.map((c) => c.key).join(', ')}`);
  const missing = await page.$$eval('.missing', (els) => els.map((el) => el.textContent ?? ''));
  if (missing.length > 0) fail(`missing charts: ${missing.join('; ')}`);
  return charts.length;
}

async function checkFlowPlayers(page: Page): Promise<string[]> {
  const ids = await page.$$eval('[data-flow-player]', (els) => els.map((el) => el.getAttribute('data-flow-player') ?? ''));
  for (const id of ids) {
    const root = page.locator(`[data-flow-player="${id}"]`);
    const picture = root.locator('svg[data-flow-svg]');
    const slider = root.locator('input[data-flow-tick]');
    await picture.scrollIntoViewIfNeeded();
    const box = await picture.boundingBox();
    if (!box || box.width === 0 || box.height === 0) fail(`flow player ${id}: its picture has no size`);
    const max = Number(await slider.getAttribute('max'));
    if (!(max >= 1)) fail(`flow player ${id}: fewer than two ticks to move between`);

    const before = await picture.screenshot();
    const caption = await root.locator('[data-flow-caption]').textContent();
    // The middle tick; the last one if the middle looks like the first.
    let changed = false;
    for (const tick of [Math.ceil(max / 2), max]) {
      await slider.evaluate((el, v) => {
        (el as HTMLInputElement).value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, tick);
      const after = await picture.screenshot();
      if (!after.equals(before)) {
        changed = true;
        break;
      }
    }
    if (!changed) fail(`flow player ${id}: moving the slider from tick 0 did not change the picture`);
    if ((await root.locator('[data-flow-caption]').textContent()) === caption) fail(`flow player ${id}: the tick caption did not follow the slider`);

    // Play from the start: the slider must advance on its own.
    await slider.evaluate((el) => {
      (el as HTMLInputElement).value = '0';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await root.locator('[data-flow-play]').click();
    await page.waitForFunction((sel) => Number((document.querySelector(sel) as HTMLInputElement).value) > 0, `[data-flow-player="${id}"] input[data-flow-tick]`, { timeout: 5000 }).catch(() => fail(`flow player ${id}: play did not advance the tick within 5 s`));
    await root.locator('[data-flow-play]').click(); // pause
  }
  return ids;
}

async function main(argv: string[]): Promise<void> {
  const html = resolve(argv[0] ?? 'results/index.html');
  if (!existsSync(html)) fail(`${html} does not exist; run \`npm start\` first`);
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'localprop-browser-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    const charts = await checkCharts(page);
    const players = await checkFlowPlayers(page);
    if (external.length > 0) fail(`the page requested ${external.length} external resource(s), e.g. ${external[0]}: it must work offline`);
    if (errors.length > 0) fail(`script error on the page: ${errors[0]}`);

    const screenshot = join(dirname(html), 'report-screenshot.png');
    if (players.length > 0) {
      const first = page.locator(`[data-flow-player="${players[0]}"]`);
      // Show a tick from the middle of the run, where more is happening than at tick 0.
      await first.locator('input[data-flow-tick]').evaluate((el) => {
        const input = el as HTMLInputElement;
        input.value = String(Math.ceil(Number(input.max) / 2));
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await first.scrollIntoViewIfNeeded();
      await first.screenshot({ path: screenshot });
    } else {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshot });
    }
    process.stdout.write(`report ok: ${charts} charts rendered, ${players.length} flow player(s) animate; screenshot ${screenshot}\n`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`report check failed: ${e instanceof CheckFailed ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 1;
}
