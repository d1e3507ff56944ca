/*
 * The content script: the selection button, the card, and the lookups the user asks for.
 *
 * Nothing leaves the page unless the user asks (the button, the context menu item or the
 * keyboard shortcut); then only the selection, 64 characters of text on either side and
 * the page address go to the background worker, which asks the server.
 *
 * Everything it shows lives in one open shadow root on <div id="claimscope-root">, so the
 * page's CSS cannot restyle it and its CSS cannot leak into the page.
 */
(function () {
  "use strict";
  const CS = globalThis.ClaimScope;
  // Guard against double injection into the same content-script world (manifest + executeScript).
  if (!CS || CS.contentLoaded) return;
  CS.contentLoaded = true;

  const ext = CS.ext;
  const MSG = CS.MSG;
  const HOST_ID = "claimscope-root";
  const GAP = 8;
  const CARD_WIDTH = 420;
  const MAX_CARD_HEIGHT = 640;

  let host = null;
  let shadow = null;
  let cssReady = null;
  let trigger = null;
  let pending = null; // the selection the button would look up
  let cardState = null; // {card, fill, anchor, previousFocus}
  let requestSeq = 0;
  let showButton = true;

  // -- settings ------------------------------------------------------------------------

  CS.settings.load().then((s) => {
    showButton = !!s.showButton;
  }, () => {});
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.showButton) {
      showButton = !!changes.showButton.newValue;
      if (!showButton) hideTrigger();
    }
  });

  // -- the shadow host -----------------------------------------------------------------

  const HOST_STYLE = {
    position: "absolute",
    top: "0",
    left: "0",
    width: "0",
    height: "0",
    margin: "0",
    padding: "0",
    border: "0",
    display: "block",
    overflow: "visible",
    visibility: "visible",
    opacity: "1",
    transform: "none",
    "z-index": "2147483647",
    "pointer-events": "auto",
  };

  function ensureHost() {
    if (host && host.isConnected) return cssReady;
    const stale = document.getElementById(HOST_ID);
    if (stale) stale.remove(); // left by an earlier copy of the extension (reloaded)
    host = document.createElement("div");
    host.id = HOST_ID;
    for (const [k, v] of Object.entries(HOST_STYLE)) host.style.setProperty(k, v, "important");
    shadow = host.attachShadow({ mode: "open" });
    document.documentElement.appendChild(host);
    if (!cssReady) {
      cssReady = ext.runtime.sendMessage({ type: MSG.GET_CARD_CSS }).then(
        (r) => (r && r.ok ? r.css : ""),
        () => "",
      );
    }
    return cssReady.then((css) => applyCss(css));
  }

  function applyCss(css) {
    if (shadow.__claimscopeStyled) return;
    shadow.__claimscopeStyled = true;
    // A constructed sheet is not subject to the page's style-src CSP; fall back to <style>
    // where it cannot be adopted across worlds (Firefox content scripts).
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      if (shadow.adoptedStyleSheets.length === 1) return;
    } catch (_err) {
      // fall through
    }
    const style = document.createElement("style");
    style.textContent = css;
    shadow.prepend(style);
  }

  /** Place `el` (inside the host) at page coordinates (x, y). */
  function placeAt(el, x, y) {
    const hostRect = host.getBoundingClientRect();
    el.style.left = `${Math.round(x - (hostRect.left + window.scrollX))}px`;
    el.style.top = `${Math.round(y - (hostRect.top + window.scrollY))}px`;
  }

  function pageIsDark() {
    for (const el of [document.body, document.documentElement]) {
      if (!el) continue;
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(el).backgroundColor);
      if (!m || (m[4] !== undefined && Number(m[4]) === 0)) continue;
      const lum = (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
      return lum < 0.4;
    }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // -- the selection button ------------------------------------------------------------

  function svgIcon() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    const circle = document.createElementNS(NS, "circle");
    circle.setAttribute("cx", "10");
    circle.setAttribute("cy", "10");
    circle.setAttribute("r", "6");
    const line = document.createElementNS(NS, "path");
    line.setAttribute("d", "M14.5 14.5 L20 20");
    svg.append(circle, line);
    return svg;
  }

  async function showTrigger(sel) {
    await ensureHost();
    pending = sel;
    if (!trigger) {
      trigger = document.createElement("button");
      trigger.type = "button";
      trigger.className = "trigger";
      trigger.setAttribute("data-claimscope", "trigger");
      trigger.setAttribute("aria-label", CS.t("commandLookup"));
      trigger.title = CS.t("commandLookup");
      trigger.append(svgIcon());
      // keep the page's selection when the button is pressed
      trigger.addEventListener("mousedown", (e) => e.preventDefault());
      trigger.addEventListener("click", (e) => {
        e.preventDefault();
        e.stopPropagation();
        if (pending) lookup(pending);
      });
    }
    trigger.classList.toggle("dark", pageIsDark());
    const x = Math.min(sel.rect.endRight + 4, window.scrollX + document.documentElement.clientWidth - 32);
    placeAt(trigger, Math.max(window.scrollX + 4, x), sel.rect.endBottom + 4);
    if (!trigger.isConnected) shadow.append(trigger);
  }

  function hideTrigger() {
    pending = null;
    if (trigger) trigger.remove();
  }

  function considerSelection(event) {
    if (event && host && event.composedPath && event.composedPath().includes(host)) return;
    setTimeout(() => {
      if (!showButton) return;
      const sel = CS.selection.capture();
      if (!sel || sel.editable || sel.words < CS.selection.MIN_WORDS) {
        hideTrigger();
        return;
      }
      if (cardState && pending === null && cardState.text === sel.text) return; // already shown
      showTrigger(sel);
    }, 0);
  }

  document.addEventListener("mouseup", considerSelection, true);
  document.addEventListener("keyup", (e) => {
    if (e.shiftKey || e.key === "Shift") considerSelection(e);
  }, true);
  document.addEventListener("selectionchange", () => {
    const sel = window.getSelection();
    if (trigger && trigger.isConnected && (!sel || sel.isCollapsed)) hideTrigger();
  });

  // -- the card ------------------------------------------------------------------------

  /**
   * Size and place the card inside the visible part of the page: at most the viewport's
   * width and height less a margin (its body scrolls inside itself), below the selection
   * when it fits there, above it when that side has more room, and otherwise moved up
   * until its bottom edge is in view (and then beside the selection if there is room, so
   * as not to cover it). Coordinates are page coordinates (the card scrolls
   * with the page, like the selection it belongs to).
   */
  function positionCard() {
    if (!cardState) return;
    const { card, anchor } = cardState;
    const vw = document.documentElement.clientWidth || window.innerWidth;
    const vh = document.documentElement.clientHeight || window.innerHeight;
    const width = Math.max(120, Math.min(CARD_WIDTH, vw - 2 * GAP));
    card.style.width = `${width}px`;
    card.style.maxHeight = `${Math.max(120, Math.min(MAX_CARD_HEIGHT, vh - 2 * GAP))}px`;
    const height = card.offsetHeight;
    const viewTop = window.scrollY + GAP;
    const viewBottom = window.scrollY + vh - GAP;
    let left = Math.min(anchor.left, window.scrollX + vw - width - GAP);
    left = Math.max(window.scrollX + GAP, left);
    let top = anchor.bottom + GAP;
    const roomBelow = viewBottom - top;
    const roomAbove = anchor.top - GAP - viewTop;
    if (height > roomBelow && roomAbove > roomBelow) top = anchor.top - GAP - height;
    top = Math.max(viewTop, Math.min(top, viewBottom - height));
    if (top < anchor.bottom && top + height > anchor.top) {
      // Too tall for either side of the selection: beside it, when there is room, rather
      // than over it.
      const viewLeft = window.scrollX + GAP;
      const viewRight = window.scrollX + vw - GAP;
      if (viewRight - (anchor.right + GAP) >= width) left = anchor.right + GAP;
      else if (anchor.left - GAP - viewLeft >= width) left = anchor.left - GAP - width;
    }
    placeAt(card, left, top);
  }

  function closeCard() {
    requestSeq += 1; // an answer still on its way is dropped
    if (!cardState) return;
    const { card, previousFocus } = cardState;
    cardState = null;
    card.remove();
    if (previousFocus && previousFocus.isConnected && typeof previousFocus.focus === "function") {
      try {
        previousFocus.focus({ preventScroll: true });
      } catch (_err) {
        // ignore
      }
    }
  }

  function openOptions() {
    ext.runtime.sendMessage({ type: MSG.OPEN_OPTIONS }).catch(() => {});
  }

  async function openCard(sel) {
    await ensureHost();
    const previousFocus = cardState ? cardState.previousFocus : document.activeElement;
    if (cardState) cardState.card.remove();
    const shell = CS.card.shell(closeCard);
    shell.card.classList.toggle("dark", pageIsDark());
    cardState = { ...shell, anchor: sel.rect, previousFocus, text: sel.text };
    shell.fill(CS.card.loadingBody());
    shadow.append(shell.card);
    positionCard();
    shell.card.focus({ preventScroll: true });
    return cardState;
  }

  function render(state, parts) {
    if (cardState !== state) return;
    state.fill(parts);
    positionCard();
  }

  async function ask(text, sel, suffix) {
    try {
      return await ext.runtime.sendMessage({
        type: MSG.MATCH,
        text,
        prefix: sel.prefix,
        suffix: suffix === undefined ? sel.suffix : suffix,
        page_url: location.href,
      });
    } catch (err) {
      return { ok: false, error: { kind: "extension", message: String(err) }, server: "" };
    }
  }

  async function lookup(sel) {
    hideTrigger();
    const seq = ++requestSeq;
    const state = await openCard(sel);
    let answer = await ask(sel.text, sel);
    let truncated = null;
    if (answer && !answer.ok && answer.error && answer.error.kind === CS.ERROR_KINDS.TOO_LONG && seq === requestSeq) {
      // Longer than the server accepts: match its first sentences instead, and say so.
      const head = CS.selection.firstSentences(sel.text, CS.selection.limitFromError(answer.error));
      if (head.text) {
        // its context after is the rest of the selection, as the page has it
        const rest = sel.text.slice(sel.text.indexOf(head.text) + head.text.length);
        const retry = await ask(head.text, sel, rest.trimStart().slice(0, CS.selection.CONTEXT_CHARS));
        if (retry && retry.ok) {
          answer = retry;
          truncated = { sentences: head.sentences, total: sel.text.length };
        }
      }
    }
    if (seq !== requestSeq || !answer) return;
    const server = answer.server || "";
    render(state, answer.ok ? CS.card.resultBody(answer.data, server, truncated) : CS.card.errorBody(answer.error, server, openOptions));
  }

  // close on Escape, on a click outside, and keep the card in view on resize
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (cardState) {
      e.stopPropagation();
      closeCard();
    }
    hideTrigger();
  }, true);
  document.addEventListener("mousedown", (e) => {
    if (host && e.composedPath().includes(host)) return;
    if (cardState) closeCard();
    hideTrigger();
  }, true);
  window.addEventListener("resize", positionCard);

  // -- asks from the context menu and the keyboard shortcut ----------------------------

  ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!message || message.type !== MSG.LOOKUP_SELECTION || sender.id !== ext.runtime.id) return false;
    let sel = CS.selection.capture();
    if (!sel && typeof message.selectionText === "string" && message.selectionText.trim()) {
      sel = CS.selection.fromText(message.selectionText);
    }
    if (!sel) {
      sendResponse({ ok: true, handled: false });
      return false;
    }
    lookup(sel);
    sendResponse({ ok: true, handled: true });
    return false;
  });
})();
