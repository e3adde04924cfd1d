/**
 * The report in a real browser (not a vitest file; .ci/run calls it after installing Debian's chromium):
 *
 *   npx tsx test/browser/report.browser.ts [results/index.html]
 *
 * Opens the page headless, offline (any request that is not for a local file fails the check), and
 * asserts: every chart container holds an SVG of non-zero size, is drawn by a live vega view and
 * has the page's tooltip handler, and hovering a chart shows a tooltip; no chart is missing; no
 * script error. For every flow player: it steps to a hidden neuron's forward tick and to its error
 * tick and checks that the neuron's drawn state (what it carries, the red error share of its disc)
 * is what the frame data say, and differs between the two; pulses run forwards, then backwards;
 * the marker on the space-time raster follows the slider; previous / next step by one; play
 * advances; at a 400 px wide window the player fits. Saves a screenshot of every section to
 * <report folder>/screenshots/ (and the player at 400 px), so the page can be looked at without a
 * browser. Exits 0, or 1 with one line saying what failed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Locator, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

async function checkCharts(page: Page): Promise<number> {
  const charts = await page.$$eval('[data-chart]', (els) =>
    els.map((el) => {
      const svg = el.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      const key = el.getAttribute('data-chart') ?? '?';
      const w = window as unknown as {
        localpropViews?: Record<string, { tooltip(): unknown }>;
        localpropTooltip?: unknown;
      };
      const view = w.localpropViews?.[key];
      return {
        key,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        marks: svg?.querySelectorAll('path, rect, line, text').length ?? 0,
        interactive: el.getAttribute('data-interactive'),
        tooltip: view !== undefined && typeof view.tooltip() === 'function' && view.tooltip() === w.localpropTooltip,
      };
    }),
  );
  if (charts.length === 0) fail('no chart containers ([data-chart]) on the page');
  const broken = charts.filter((c) => !(c.width > 0 && c.height > 0) || c.marks === 0);
  if (broken.length > 0)
    fail(`${broken.length} of ${charts.length} charts did not render: ${broken.map((c) => c.key).join(', ')}`);
  const still = charts.filter((c) => c.interactive !== 'yes');
  if (still.length > 0)
    fail(`${still.length} charts are not interactive: ${still.map((c) => `${c.key} (${c.interactive})`).join(', ')}`);
  const noTip = charts.filter((c) => !c.tooltip);
  if (noTip.length > 0) fail(`${noTip.length} charts have no tooltip handler: ${noTip.map((c) => c.key).join(', ')}`);
  const missing = await page.$$eval('.missing', (els) => els.map((el) => el.textContent ?? ''));
  if (missing.length > 0) fail(`missing charts: ${missing.join('; ')}`);
  return charts.length;
}

/** Hover over the marks of a chart until the tooltip shows; returns its text. */
async function hoverTooltip(page: Page, key: string): Promise<string> {
  const figure = page.locator(`[data-chart="${key}"]`);
  await figure.scrollIntoViewIfNeeded();
  const marks = figure.locator(
    '.chart-live path[aria-roledescription], .chart-live g.mark-symbol path, .chart-live g.mark-line path',
  );
  const n = Math.min(await marks.count(), 40);
  for (let k = 0; k < n; k++) {
    const box = await marks.nth(k).boundingBox();
    if (!box) continue;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const text = await page.evaluate(() => {
      const tip = document.querySelector('.chart-tooltip') as HTMLElement | null;
      return tip && tip.style.display === 'block' ? (tip.textContent ?? '') : '';
    });
    if (text) return text;
  }
  fail(`hovering ${n} marks of ${key} showed no tooltip`);
}

interface PlayerData {
  r: number;
  raster: string | null;
  frames: { tick: number; n: number[][]; p: number[][] }[];
}

async function drawnNode(
  root: Locator,
  k: number,
): Promise<{ carries: string; errorShare: number; activationShare: number }> {
  // No named functions inside evaluate: tsx would wrap them in a helper the page does not have.
  return root.locator(`g[data-node="${k}"]`).evaluate(
    (g, r) => ({
      carries: g.getAttribute('data-carries') ?? '',
      errorShare: Number(g.querySelector('[data-part="error"]')!.getAttribute('height')) / (2 * r),
      activationShare: Number(g.querySelector('[data-part="activation"]')!.getAttribute('height')) / (2 * r),
    }),
    Number(
      await root.evaluate((el) => JSON.parse(el.querySelector('script[type="application/json"]')!.textContent!).r),
    ),
  );
}

async function setFrame(root: Locator, k: number): Promise<void> {
  await root.locator('input[data-flow-tick]').evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, k);
}

/**
 * A continuous-time player: the neuron whose error share grows the most is drawn with its data's
 * share at the first frame (pure activation) and at its largest share, and the picture changes.
 */
async function checkEvolvingFraction(root: Locator, id: string, data: PlayerData): Promise<void> {
  const nodes = data.frames[0]!.n.length;
  let [neuron, peak, share] = [-1, -1, 0];
  for (let k = 0; k < nodes; k++)
    data.frames.forEach((fr, f) => {
      if (fr.n[k]![1]! > share) [neuron, peak, share] = [k, f, fr.n[k]![1]!];
    });
  if (neuron < 0) fail(`flow player ${id}: no neuron carries any error in its data`);
  const label = await root.locator(`g[data-node="${neuron}"] title`).textContent();
  const shots: Buffer[] = [];
  for (const f of [0, peak]) {
    await setFrame(root, f);
    const drawn = await drawnNode(root, neuron);
    const expected = data.frames[f]!.n[neuron]![1]!;
    if (Math.abs(drawn.errorShare - expected) > 1e-6)
      fail(
        `flow player ${id}: at frame ${f} ${label} is drawn ${JSON.stringify(drawn)}, ` +
          `its data say error share ${expected}`,
      );
    shots.push(await root.locator('svg[data-flow-svg]').screenshot());
  }
  if (shots[0]!.equals(shots[1]!)) fail(`flow player ${id}: the picture did not change as ${label}'s error share grew`);
  console.log(`flow player ${id}: ${label} drawn from error share 0 to ${share.toFixed(3)}, as its data say`);
}

async function checkFlowPlayer(page: Page, id: string): Promise<void> {
  const root = page.locator(`[data-flow-player="${id}"]`);
  await root.scrollIntoViewIfNeeded();
  const data = (await root.evaluate((el) =>
    JSON.parse(el.querySelector('script[type="application/json"]')!.textContent!),
  )) as PlayerData;
  const slider = root.locator('input[data-flow-tick]');
  // Continuous time: a neuron's one output is a fraction of activation and error, not one or the other.
  if (data.frames.some((fr) => fr.n.some((n) => n[1]! > 0 && n[1]! < 1))) return checkEvolvingFraction(root, id, data);
  // A hidden neuron: one whose data say it carries activation (1) in one frame and error (2) in a later one.
  const nodes = data.frames[0]!.n.length;
  let neuron = -1;
  let forward = -1;
  let backward = -1;
  for (let k = 0; k < nodes && neuron < 0; k++) {
    const f = data.frames.findIndex((fr) => fr.n[k]![0] === 1);
    const b = data.frames.findIndex((fr, i) => i > f && fr.n[k]![0] === 2);
    const pulsesBack = data.frames.some((fr) => fr.p.some((p) => p[1] === -1 && p[2] !== undefined));
    if (f >= 0 && b > f && pulsesBack && data.frames[f]!.p.length > 0) [neuron, forward, backward] = [k, f, b];
  }
  if (neuron < 0) fail(`flow player ${id}: no neuron switches from activation to error in its data`);
  const label = await root.locator(`g[data-node="${neuron}"] title`).textContent();

  await setFrame(root, forward);
  const atForward = await drawnNode(root, neuron);
  const expectedForward = data.frames[forward]!.n[neuron]!;
  if (
    atForward.carries !== 'activation' ||
    Math.abs(atForward.errorShare - expectedForward[1]!) > 1e-6 ||
    atForward.activationShare < 0.99
  ) {
    fail(
      `flow player ${id}: at frame ${forward} (tick ${data.frames[forward]!.tick}) ` +
        `${label} is drawn ${JSON.stringify(atForward)}, its data say activation, ` +
        `error share ${expectedForward[1]}`,
    );
  }
  const forwardPulses = await root
    .locator('circle[data-pulse]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-direction')));
  if (forwardPulses.length !== data.frames[forward]!.p.length || forwardPulses.some((d) => d !== 'forward'))
    fail(`flow player ${id}: at the forward tick the pulses are ${forwardPulses.join(', ') || 'none'}`);
  const screenshots: Buffer[] = [await root.locator('svg[data-flow-svg]').screenshot()];

  await setFrame(root, backward);
  const atError = await drawnNode(root, neuron);
  const expectedError = data.frames[backward]!.n[neuron]!;
  if (
    atError.carries !== 'error' ||
    Math.abs(atError.errorShare - expectedError[1]!) > 1e-6 ||
    atError.errorShare < 0.99
  ) {
    fail(
      `flow player ${id}: at frame ${backward} (tick ${data.frames[backward]!.tick}) ` +
        `${label} is drawn ${JSON.stringify(atError)}, its data say error, error share ${expectedError[1]}`,
    );
  }
  if (JSON.stringify(atError) === JSON.stringify(atForward))
    fail(`flow player ${id}: ${label} looks the same at its forward and its error tick`);
  screenshots.push(await root.locator('svg[data-flow-svg]').screenshot());
  if (screenshots[0]!.equals(screenshots[1]!))
    fail(`flow player ${id}: the picture did not change between the two ticks`);
  // Between the two ticks the neuron keeps its state: every frame in between draws it as activation.
  for (let k = forward; k < backward; k++)
    if (data.frames[k]!.n[neuron]![0] !== 1) fail(`flow player ${id}: ${label} loses its state at frame ${k}`);
  const backPulses = await root
    .locator('circle[data-pulse]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-direction')));
  if (backPulses.some((d) => d !== 'backward')) fail(`flow player ${id}: at the error tick a pulse runs forwards`);

  // The raster's marker follows the slider.
  if (data.raster) {
    const cursor = await page.evaluate(
      (key) =>
        (window as unknown as { localpropViews: Record<string, { signal(name: string): unknown }> }).localpropViews[
          key
        ]?.signal('cursor'),
      data.raster,
    );
    if (cursor !== data.frames[backward]!.tick)
      fail(
        `flow player ${id}: the raster's marker is at ${String(cursor)}, ` +
          `the slider at tick ${data.frames[backward]!.tick}`,
      );
  }
  // Previous and next step by one frame.
  await root.locator('[data-flow-prev]').click();
  if (Number(await slider.inputValue()) !== backward - 1)
    fail(`flow player ${id}: previous did not step back one frame`);
  await root.locator('[data-flow-next]').click();
  await root.locator('[data-flow-next]').click();
  if (Number(await slider.inputValue()) !== backward + 1) fail(`flow player ${id}: next did not step on one frame`);

  // Play from the start: the slider must advance on its own.
  await setFrame(root, 0);
  await root.locator('[data-flow-play]').click();
  await page
    .waitForFunction(
      (sel) => Number((document.querySelector(sel) as HTMLInputElement).value) > 0,
      `[data-flow-player="${id}"] input[data-flow-tick]`,
      { timeout: 5000 },
    )
    .catch(() => fail(`flow player ${id}: play did not advance the tick within 5 s`));
  await root.locator('[data-flow-play]').click(); // pause
}

/** Every section of the page as a PNG in `dir`; returns the file names. */
async function screenshotSections(page: Page, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) if (old.endsWith('.png')) rmSync(join(dir, old));
  const ids = await page.$$eval('body > section[id], body > nav[id]', (els) => els.map((el) => el.id));
  const names: string[] = [];
  for (const [k, id] of ids.entries()) {
    const name = `${String(k).padStart(2, '0')}-${id}.png`;
    await page.locator(`[id="${id}"]`).screenshot({ path: join(dir, name) });
    names.push(name);
  }
  return names;
}

async function main(argv: string[]): Promise<void> {
  const html = resolve(argv[0] ?? 'results/index.html');
  if (!existsSync(html)) fail(`${html} does not exist; run \`npm start\` first`);
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} not found; install Debian's chromium (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'localprop-browser-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
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
    await page
      .waitForSelector('body[data-charts-ready]', { timeout: 60000 })
      .catch(() => fail('the interactive charts were not ready within 60 s'));
    const charts = await checkCharts(page);
    const firstChart = await page.$eval('[data-chart]', (el) => el.getAttribute('data-chart')!);
    const tip = await hoverTooltip(page, firstChart);
    const players = await page.$$eval('[data-flow-player]', (els) =>
      els.map((el) => el.getAttribute('data-flow-player') ?? ''),
    );
    for (const id of players) await checkFlowPlayer(page, id);
    if (external.length > 0)
      fail(`the page requested ${external.length} external resource(s), e.g. ${external[0]}: it must work offline`);
    if (errors.length > 0) fail(`script error on the page: ${errors[0]}`);

    const dir = join(dirname(html), 'screenshots');
    // The sections, with the first player at the tick where its hidden neurons carry their errors.
    for (const id of players.slice(0, 1)) {
      const root = page.locator(`[data-flow-player="${id}"]`);
      const frames = (await root.evaluate(
        (el) => JSON.parse(el.querySelector('script[type="application/json"]')!.textContent!).frames,
      )) as { caption: string }[];
      const k = frames.findIndex((f) => /backward, layer 1/.test(f.caption));
      await setFrame(root, Math.max(0, k));
    }
    await page.mouse.move(0, 0);
    const shots = await screenshotSections(page, dir);
    if (players.length > 0) {
      const root = page.locator(`[data-flow-player="${players[0]}"]`);
      await root.screenshot({ path: join(dir, 'flow-player.png') });
      // A 400 px wide window: the player must fit, controls included.
      await page.setViewportSize({ width: 400, height: 800 });
      await root.scrollIntoViewIfNeeded();
      const box = await root.boundingBox();
      const slider = await root.locator('input[data-flow-tick]').boundingBox();
      const svg = await root.locator('svg[data-flow-svg]').boundingBox();
      if (!box || !slider || !svg || box.x + box.width > 400.5 || slider.x + slider.width > 400.5 || svg.width > 400)
        fail(
          `flow player ${players[0]}: at 400 px it is ${box?.width} px wide, ` +
            `its slider ends at ${slider ? slider.x + slider.width : '?'}`,
        );
      await root.screenshot({ path: join(dir, 'flow-player-400px.png') });
      shots.push('flow-player.png', 'flow-player-400px.png');
    }
    process.stdout.write(
      `report ok: ${charts} charts rendered and interactive (a tooltip: ` +
        `${JSON.stringify(tip.slice(0, 60))}), ${players.length} flow player(s) checked; ` +
        `${shots.length} screenshots in ${dir}\n`,
    );
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(
    `report check failed: ` +
      `${e instanceof CheckFailed ? e.message : e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`,
  );
  process.exitCode = 1;
}
