/*
 * Background: the Chrome service worker, or Firefox's background scripts (the manifest
 * lists the lib/ files before this one there; Chrome ignores that list and this file pulls
 * them in with importScripts).
 *
 * It owns the three ways to ask that are not on the page (context menu, keyboard shortcut)
 * and makes every request to the server (through lib/api.js): a content script's fetch
 * would be subject to the page's CORS and CSP.
 */
/* global importScripts */
if (typeof importScripts === "function" && !(globalThis.ClaimScope && globalThis.ClaimScope.api)) {
  importScripts("lib/browser.js", "lib/messages.js", "lib/settings.js", "lib/api.js");
}

(function () {
  "use strict";
  const CS = globalThis.ClaimScope;
  const ext = CS.ext;
  const MSG = CS.MSG;

  const MENU_ID = "claimscope-lookup";
  const COMMAND = "lookup-selection";

  // -- context menu -------------------------------------------------------------------

  function createMenu() {
    ext.contextMenus.removeAll().then(() => {
      ext.contextMenus.create({
        id: MENU_ID,
        title: CS.t("menuLookup"),
        contexts: ["selection"],
      });
    });
  }
  ext.runtime.onInstalled.addListener(createMenu);
  if (ext.runtime.onStartup) ext.runtime.onStartup.addListener(createMenu);

  ext.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID || !tab) return;
    lookupInTab(tab.id, info.frameId || 0, info.selectionText || null);
  });

  // -- keyboard shortcut --------------------------------------------------------------

  async function onCommand(command, tab) {
    if (command !== COMMAND) return;
    let target = tab;
    if (!target) {
      const [active] = await ext.tabs.query({ active: true, currentWindow: true });
      target = active;
    }
    if (target) await lookupInTab(target.id, await selectionFrame(target.id), null);
  }
  ext.commands.onCommand.addListener(onCommand);

  /**
   * The frame the user's selection is in, for the shortcut (the context menu names its
   * frame itself). Each frame answers only two booleans — has it a non-empty selection, has
   * it the focus — never the selection or any other page content. The focused frame with
   * a selection wins, then any frame with one, then the top frame.
   */
  async function selectionFrame(tabId) {
    let results = [];
    try {
      results = await ext.scripting.executeScript({
        target: { tabId, allFrames: true },
        func: () => {
          const sel = window.getSelection();
          let selected = !!sel && !sel.isCollapsed && sel.toString().trim().length > 0;
          const active = document.activeElement;
          if (!selected && active && typeof active.selectionStart === "number" && active.selectionEnd > active.selectionStart) selected = true;
          return { selected, focused: document.hasFocus() };
        },
      });
    } catch (_err) {
      return 0;
    }
    const answered = (results || []).filter((r) => r && r.result && typeof r.frameId === "number");
    const pick = answered.find((r) => r.result.selected && r.result.focused) || answered.find((r) => r.result.selected);
    return pick ? pick.frameId : 0;
  }

  /**
   * Ask the content script in one frame to look up its selection. When no content script
   * answers (a tab opened before the extension was installed or reloaded, or a frame the
   * manifest does not cover), inject it first: the user's click or shortcut has granted
   * `activeTab` for this tab.
   */
  async function lookupInTab(tabId, frameId, selectionText) {
    const message = { type: MSG.LOOKUP_SELECTION, selectionText };
    try {
      await ext.tabs.sendMessage(tabId, message, { frameId });
      return;
    } catch (_err) {
      // no receiver yet: inject below
    }
    try {
      const files = ext.runtime.getManifest().content_scripts[0].js;
      await ext.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files });
      await ext.tabs.sendMessage(tabId, message, { frameId });
    } catch (err) {
      // Pages the browser keeps extensions out of (its own pages, the web store): nothing to do.
      console.warn("ClaimScope: cannot look up the selection in this page:", err && err.message);
    }
  }

  // -- toolbar button: the options --------------------------------------------------------

  const action = ext.action || ext.browserAction;
  if (action) action.onClicked.addListener(() => ext.runtime.openOptionsPage());

  // for tests and the debugging console (only extension contexts can see this global)
  CS.background = { lookupInTab, onCommand, selectionFrame };

  // -- messages from content scripts --------------------------------------------------

  let cardCss = null;
  async function getCardCss() {
    if (cardCss === null) {
      const response = await fetch(ext.runtime.getURL("content/card.css"));
      cardCss = await response.text();
    }
    return cardCss;
  }

  /** Only http(s) page addresses are sent, without their #fragment (it can hold tokens). */
  function cleanPageUrl(raw) {
    try {
      const url = new URL(String(raw));
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      url.hash = "";
      return url.href;
    } catch (_err) {
      return null;
    }
  }

  async function handleMatch(message) {
    const settings = await CS.settings.load();
    const server = settings.serverUrl.replace(/\/+$/, "");
    const result = await CS.api.match({
      server,
      apiKey: settings.apiKey,
      text: message.text,
      prefix: message.prefix,
      suffix: message.suffix,
      pageUrl: cleanPageUrl(message.page_url),
    });
    return { ...result, server };
  }

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || typeof message.type !== "string" || sender.id !== ext.runtime.id) return false;
    let work;
    switch (message.type) {
      case MSG.MATCH:
        work = handleMatch(message);
        break;
      case MSG.GET_CARD_CSS:
        work = getCardCss().then((css) => ({ ok: true, css }));
        break;
      case MSG.OPEN_OPTIONS:
        work = ext.runtime.openOptionsPage().then(() => ({ ok: true }));
        break;
      default:
        return false;
    }
    work.then(sendResponse, (err) =>
      sendResponse({ ok: false, error: { kind: CS.ERROR_KINDS.SERVER, status: 0, code: "extension", message: String(err) } }),
    );
    return true; // answer asynchronously
  });
})();
