/**
 * Loads a weapp build (the output of `taro build --type weapp`) into WeChat's own
 * component test runtime: miniprogram-simulate + j-component render the WXML
 * compiled by WeChat's wcc (miniprogram-compiler) into a DOM (jsdom), and run the
 * page scripts as WeChat would: app.js first (it defines App() and loads Taro's
 * chunks), then each page's Page() config, here registered as a j-component
 * (j-component has components only; a page is a component whose methods are the
 * page's lifecycle and event handlers).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** A failure the check reports as is (no stack trace). */
export class SimError extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const squash = (s) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The simulator scopes class names by component (`main--card`, `comp--card`), as
 * WeChat's style isolation does: match a class by its name after the prefix.
 */
export const hasClass = (el, name) =>
  (el.getAttribute?.('class') ?? '').split(/\s+/).some((c) => c === name || c.endsWith(`--${name}`));

/**
 * @param {{ dist: string, wx: Record<string, Function>, launch?: { path: string, query?: object, scene?: number } }} opts
 */
export function loadWeapp({ dist, wx, launch }) {
  if (!existsSync(join(dist, 'app.json')))
    throw new SimError(`${dist}/app.json not found: run npm run build:weapp -w @huiyuan/miniapp first`);
  const errors = [];

  // miniprogram-simulate renders into a DOM and reads `window`/`document` when first required.
  const { JSDOM } = require('jsdom');
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  const simulate = require('miniprogram-simulate');
  const exparser = require(require.resolve('miniprogram-exparser', { paths: [require.resolve('j-component')] }));
  // simulate's global wx stubs everything; the device calls the pages depend on are replaced
  // before app.js runs, because Taro copies the wx API once, when it loads.
  Object.assign(globalThis.wx, wx);

  const registerComponent = globalThis.Component;
  let app = null;
  const stack = [];
  globalThis.App = (config) => {
    app = config;
  };
  globalThis.getApp = () => app;
  globalThis.getCurrentPages = () => [...stack];
  globalThis.Page = () => {
    throw new SimError('Page() called outside a page load');
  };

  // React reports render errors with console.error: keep them for the failure message.
  const consoleError = console.error;
  console.error = (...args) => {
    errors.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
  };
  process.on('unhandledRejection', (err) => errors.push(`unhandled rejection: ${err?.stack ?? err}`));

  require(join(dist, 'app.js'));
  if (!app) throw new SimError('app.js did not call App()');
  const launchOptions = { path: 'pages/index/index', query: {}, scene: 1001, ...launch };
  app.onLaunch?.call(app, launchOptions);
  app.onShow?.call(app, launchOptions);

  // Taro renders deep trees through one recursive custom component (`comp`), shared by every page.
  const shared = {};
  for (const name of ['comp', 'custom-wrapper']) {
    if (existsSync(join(dist, `${name}.json`)))
      shared[name] = simulate.load(join(dist, name), name, { rootPath: dist });
  }

  /** Opens a page the way navigateTo does: onLoad(query), onShow, onReady. */
  function openPage(route, query = {}) {
    let config = null;
    globalThis.Page = (c) => {
      config = c;
      const methods = {};
      for (const [k, v] of Object.entries(c)) if (typeof v === 'function') methods[k] = v;
      registerComponent({ data: c.data ?? {}, methods });
    };
    const id = simulate.load(join(dist, route), { rootPath: dist, usingComponents: { ...shared } });
    globalThis.Page = () => {
      throw new SimError('Page() called outside a page load');
    };
    if (!config) throw new SimError(`${route}.js did not call Page()`);
    const root = simulate.render(id);
    const host = dom.window.document.createElement('div');
    dom.window.document.body.appendChild(host);
    root.attach(host);
    const page = root.instance;
    page.route = route;
    page.__route__ = route;
    page.options = query;
    stack.at(-1)?.onHide?.();
    stack.push(page);
    page.onLoad(query);
    page.onShow();
    page.onReady();
    return new SimPage(route, root, page, errors);
  }

  const restore = () => {
    console.error = consoleError;
  };
  return { app, openPage, errors, restore, tap: (el) => tap(exparser, el) };
}

/** A tap as WeChat delivers it: an exparser event on the node, bubbling to its bindtap handlers. */
function tap(exparser, el) {
  const node = el?.__wxElement;
  if (!node) throw new SimError('tap: not a rendered mini-program node');
  exparser.Event.dispatchEvent(
    node,
    exparser.Event.create(
      'tap',
      { x: 0, y: 0 },
      {
        bubbles: true,
        composed: true,
        capturePhase: true,
        extraFields: { touches: [], changedTouches: [{ x: 0, y: 0 }] },
      },
    ),
  );
}

export class SimPage {
  constructor(route, root, instance, errors) {
    this.route = route;
    this.root = root;
    this.instance = instance;
    this.errors = errors;
  }

  /** The rendered text, whitespace squashed (what a member reads). */
  text() {
    return squash(this.root.dom.textContent);
  }

  /** Rendered nodes with a class (Taro passes className through as the WXML class). */
  all(className) {
    return [...this.root.dom.querySelectorAll('[class]')].filter((el) => hasClass(el, className));
  }

  /** Nodes of a WeChat tag (`wx-button`, `wx-text`...) whose text contains `text`. */
  byText(tag, text) {
    return [...this.root.dom.querySelectorAll(tag)].filter((el) => squash(el.textContent).includes(text));
  }

  /** Polls `probe` until it returns a truthy value; fails naming `what` and showing the page. */
  async waitFor(what, probe, timeoutMs = 10_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > until)
        throw new SimError(
          `${this.route}: ${what} not seen within ${timeoutMs / 1000} s\n  page shows: "${this.text()}"`,
        );
      await sleep(50);
    }
  }
}
