// The card test in a real Firefox: Debian's firefox-esr, the extension installed temporarily
// (WebDriver BiDi webExtension.install), driven by puppeteer-core over WebDriver BiDi.
//
// Called by tests/extension/test_firefox.py with one JSON argument (the servers, the test
// pages, where to write screenshots); prints one JSON object per line: {"scenario", ...what
// it saw}, and {"done": true} at the end. The assertions are in the Python test.
//
// Extension pages (moz-extension://) are reached by fixing the extension's internal UUID
// (extensions.webextensions.uuids) and starting Firefox with --remote-allow-system-access,
// which also gives the browser window's chrome context: the keyboard shortcut is sent
// there as a key press (nsITextInputProcessor, as Firefox's own tests do), because key
// events sent into a page never reach the browser's shortcut handling.
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const cfg = JSON.parse(process.argv[2]);
const UUID = "3c1a7e52-18b0-4c6e-9d0a-c1a1c0de0018";
const EXT_ID = "claimscope@claimscope.invalid";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: cfg.firefox || "/usr/bin/firefox-esr",
  headless: true,
  args: ["--remote-allow-system-access"],
  extraPrefsFirefox: {
    "extensions.webextensions.uuids": JSON.stringify({ [EXT_ID]: UUID }),
    "intl.locale.requested": cfg.locale || "en-US",
  },
  protocolTimeout: 60000,
});

async function extensionPage() {
  const page = await browser.newPage();
  // The navigation to an extension page commits but puppeteer never sees its load event.
  await page.goto(`moz-extension://${UUID}/options/options.html`, { timeout: 3000 }).catch(() => {});
  for (let i = 0; i < 50; i++) {
    const ok = await page.evaluate(() => typeof browser !== "undefined" && !!browser.storage).catch(() => false);
    if (ok) return page;
    await sleep(100);
  }
  throw new Error("the options page did not open");
}

async function setSettings(values) {
  const page = await extensionPage();
  await page.evaluate((v) => browser.storage.local.set(v), values);
  await page.close();
}

const CARD = (root) => root.querySelector('[data-claimscope="card"]');

async function selectText(page, selector, needle) {
  return page.evaluate(
    (selector, needle) => {
      const root = document.querySelector(selector);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        const r = range.getBoundingClientRect();
        root.dispatchEvent(new MouseEvent("mouseup", { bubbles: true, clientX: r.right, clientY: r.bottom }));
        return true;
      }
      return false;
    },
    selector,
    needle,
  );
}

async function shadowState(frame) {
  return frame.evaluate(() => {
    const host = document.getElementById("claimscope-root");
    const card = host && host.shadowRoot && host.shadowRoot.querySelector('[data-claimscope="card"]');
    return card ? card.getAttribute("data-state") : null;
  });
}

async function waitForCard(frame, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  let state = null;
  while (Date.now() < end) {
    state = await shadowState(frame).catch(() => null);
    if (state && state !== "loading") return state;
    await sleep(100);
  }
  return state;
}

/** Select, wait for the selection button, click it (the content script starts at document_idle). */
async function askWithButton(page, selector, needle) {
  for (let i = 0; i < 20; i++) {
    if (!(await selectText(page, selector, needle))) throw new Error(`${needle} not on the page`);
    await sleep(250);
    const trigger = await page.$('#claimscope-root >>> [data-claimscope="trigger"]');
    if (trigger) {
      await trigger.click();
      return waitForCard(page);
    }
  }
  throw new Error("the selection button never showed");
}

async function cardFacts(frame) {
  return frame.evaluate(() => {
    const root = document.getElementById("claimscope-root").shadowRoot;
    const card = root.querySelector('[data-claimscope="card"]');
    const box = card.getBoundingClientRect();
    const body = card.querySelector(".body");
    const texts = (sel) => Array.from(card.querySelectorAll(sel), (el) => el.textContent);
    return {
      state: card.getAttribute("data-state"),
      text: card.innerText,
      box: { x: box.x, y: box.y, width: box.width, height: box.height },
      viewport: { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight },
      bodyScroll: body ? [body.scrollHeight, body.clientHeight] : null,
      first: texts(".first").join(" "),
      republishers: texts(".republishers .rep .outlet"),
      cited: texts(".cited .cited-item .outlet"),
      responses: texts('[data-claimscope="response"]'),
      claimLink: (card.querySelector("a.claim-link") || {}).href || null,
      fontSize: getComputedStyle(card).fontSize,
      dangerous: card.querySelectorAll("img, script, iframe, object, embed, b, svg").length,
      jsLinks: Array.from(card.querySelectorAll("a")).filter((a) => !/^https?:/.test(a.href)).length,
      onAttrs: Array.from(card.querySelectorAll("*")).filter((el) =>
        Array.from(el.attributes).some((a) => a.name.startsWith("on")),
      ).length,
      links: card.querySelectorAll("a").length,
      pageImages: document.querySelectorAll("img").length,
      pwned: typeof window.__pwned,
    };
  });
}

async function screenshot(page, name) {
  const file = path.join(cfg.artifacts, name);
  await page.screenshot({ path: file });
  if (cfg.docs && (cfg.updateDocs || !fs.existsSync(path.join(cfg.docs, name)))) {
    fs.copyFileSync(file, path.join(cfg.docs, name));
  }
}

/** The shortcut as a key press in the browser window (chrome scope). */
async function pressShortcut() {
  const tree = await browser.connection.send("browsingContext.getTree", { "moz:scope": "chrome" });
  const win = tree.result.contexts.find((c) => c.url === "chrome://browser/content/browser.xhtml");
  const keys = cfg.shortcut.split("+");
  const code = (k) => ({ Alt: ["Alt", "AltLeft", 18], Shift: ["Shift", "ShiftLeft", 16], Ctrl: ["Control", "ControlLeft", 17] })[k]
    || [k.toUpperCase(), `Key${k.toUpperCase()}`, k.toUpperCase().charCodeAt(0)];
  const expression = `(() => {
    const tip = Cc["@mozilla.org/text-input-processor;1"].createInstance(Ci.nsITextInputProcessor);
    if (!tip.beginInputTransactionForTests(window)) return "busy";
    const keys = ${JSON.stringify(keys.map(code))};
    const ev = ([key, code, keyCode]) => new KeyboardEvent("", { key, code, keyCode });
    for (const k of keys) tip.keydown(ev(k));
    for (const k of keys.slice().reverse()) tip.keyup(ev(k));
    return "sent";
  })()`;
  const res = await browser.connection.send("script.evaluate", {
    expression,
    target: { context: win.context },
    awaitPromise: false,
  });
  return res.result.result.value;
}

async function newPage(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(url, { waitUntil: "load" });
  await sleep(300);
  return page;
}

async function scenario(name, fn) {
  try {
    emit({ scenario: name, ...(await fn()) });
  } catch (err) {
    emit({ scenario: name, error: String((err && err.stack) || err) });
  }
}

try {
  const installed = await browser.installExtension(cfg.extension);
  emit({ scenario: "install", id: installed, version: await browser.version() });

  if (cfg.mode === "locale") {
    // The card in the browser's language (German here): strings from _locales, dates by Intl.
    await setSettings({ serverUrl: cfg.stub, apiKey: "", showButton: true });
    await scenario("locale", async () => {
      const options = await extensionPage();
      await sleep(300);
      const optionsText = await options.evaluate(() => ({
        shortcut: document.getElementById("shortcut").textContent,
        serverLabel: document.querySelector('label[for="server"]').textContent,
        ui: browser.i18n.getUILanguage(),
      }));
      await options.close();
      const page = await newPage(cfg.pages.seed);
      const state = await askWithButton(page, "#seed", cfg.seedSentence);
      const facts = await cardFacts(page);
      const expectedDate = await page.evaluate(() =>
        new Intl.DateTimeFormat("de", { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" }).format(
          new Date("2016-09-26T00:00:00Z"),
        ),
      );
      await screenshot(page, "firefox-de.png");
      await page.close();
      return { state, ...facts, ...optionsText, expectedDate };
    });
    throw new Error("__locale_done__");
  }

  await scenario("shortcut-assigned", async () => {
    const page = await extensionPage();
    await sleep(300);
    const out = await page.evaluate(async () => ({
      commands: await browser.commands.getAll(),
      options: document.getElementById("shortcut").textContent,
    }));
    await page.close();
    return out;
  });

  await setSettings({ serverUrl: cfg.server, apiKey: "", showButton: true });

  await scenario("match", async () => {
    const page = await newPage(cfg.pages.seed);
    const state = await askWithButton(page, "#seed", cfg.seedSentence);
    const facts = await cardFacts(page);
    await screenshot(page, "firefox-match.png");
    await page.close();
    return { state, ...facts };
  });

  await scenario("nomatch", async () => {
    const page = await newPage(cfg.pages.seed);
    const state = await askWithButton(page, "#other", cfg.noMatchSentence);
    const facts = await cardFacts(page);
    await screenshot(page, "firefox-nomatch.png");
    await page.close();
    return { state, ...facts };
  });

  await scenario("shortcut", async () => {
    const page = await newPage(cfg.pages.seed);
    await selectText(page, "#seed", cfg.seedSentence);
    await page.bringToFront();
    const sent = await pressShortcut();
    const state = await waitForCard(page);
    await page.close();
    return { sent, state };
  });

  await scenario("shortcut-iframe", async () => {
    const page = await newPage(cfg.pages.outer);
    const frame = page.frames().find((f) => f.url() === cfg.pages.inner);
    if (!frame) throw new Error(`no frame ${cfg.pages.inner} in ${page.frames().map((f) => f.url())}`);
    await selectText(frame, "#seed", cfg.seedSentence);
    const sent = await pressShortcut();
    const state = await waitForCard(frame);
    const topState = await shadowState(page).catch(() => null);
    await page.close();
    return { sent, state, topState };
  });

  await setSettings({ serverUrl: cfg.stub, apiKey: "", showButton: true });

  await scenario("hostile", async () => {
    const page = await newPage(cfg.pages.hostile);
    const state = await askWithButton(page, "#hostile", cfg.hostilePayload);
    await sleep(300);
    const facts = await cardFacts(page);
    await screenshot(page, "firefox-hostile.png");
    await page.close();
    return { state, ...facts };
  });

  await scenario("long", async () => {
    const page = await newPage(cfg.pages.long);
    await page.evaluate(() => window.scrollTo(0, document.getElementById("long").offsetTop - 760));
    const state = await askWithButton(page, "#long", cfg.longSentence);
    await sleep(300);
    const facts = await cardFacts(page);
    await screenshot(page, "firefox-long.png");
    await page.close();
    return { state, ...facts };
  });

  await setSettings({ serverUrl: cfg.offline, apiKey: "", showButton: true });

  await scenario("offline", async () => {
    const page = await newPage(cfg.pages.seed);
    const state = await askWithButton(page, "#seed", cfg.seedSentence);
    const facts = await cardFacts(page);
    await screenshot(page, "firefox-offline.png");
    await page.close();
    return { state, ...facts };
  });
} catch (err) {
  if (String(err && err.message) !== "__locale_done__") throw err;
} finally {
  emit({ done: true });
  await browser.close();
}
