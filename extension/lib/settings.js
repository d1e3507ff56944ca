/*
 * User settings, kept in `storage.local` (never `storage.sync`: the API key stays on this
 * device). Read by the background worker, the options page and the content script (which
 * only needs `showButton`).
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.settings) return;

  const DEFAULTS = Object.freeze({
    serverUrl: "http://127.0.0.1:8000",
    apiKey: "",
    showButton: true,
  });

  /** Normalise a server URL typed by the user: http(s) only, no trailing slash, no query. */
  function normalizeServerUrl(raw) {
    const text = String(raw || "").trim();
    let url;
    try {
      url = new URL(text);
    } catch (_err) {
      throw new Error("Enter a full URL such as http://127.0.0.1:8000");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error("The server URL must start with http:// or https://");
    }
    if (url.username || url.password) {
      throw new Error("Put the API key in its own field, not in the URL");
    }
    const path = url.pathname.replace(/\/+$/, "");
    return url.origin + path;
  }

  /**
   * The host-permission pattern for a server URL. Firefox match patterns cannot carry a
   * port and Chrome's match any port when none is given, so the pattern is per host.
   */
  function originPattern(serverUrl) {
    const url = new URL(serverUrl);
    return `${url.protocol}//${url.hostname}/*`;
  }

  async function load() {
    const stored = await CS.ext.storage.local.get(Object.keys(DEFAULTS));
    const out = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS)) {
      if (stored[key] !== undefined && stored[key] !== null) out[key] = stored[key];
    }
    return out;
  }

  async function save(partial) {
    const clean = {};
    for (const key of Object.keys(DEFAULTS)) {
      if (key in partial) clean[key] = partial[key];
    }
    await CS.ext.storage.local.set(clean);
  }

  CS.settings = { DEFAULTS, load, save, normalizeServerUrl, originPattern };
})();
