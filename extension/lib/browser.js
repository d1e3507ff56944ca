/*
 * The one browser shim: `ClaimScope.ext` is Firefox's promise-based `browser` namespace
 * when it exists, Chrome's `chrome` namespace otherwise (Chrome MV3 APIs return promises
 * when no callback is given, so the rest of the code only ever uses promises).
 *
 * Every file of the extension is a classic script that may be injected twice into one
 * content-script world (the manifest's content script plus an on-demand
 * `scripting.executeScript` after the extension was reloaded), so nothing is declared at
 * the top level: each file wraps itself in a function and hangs its exports on
 * `globalThis.ClaimScope`.
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.ext) return;
  CS.ext = typeof globalThis.browser !== "undefined" && globalThis.browser.runtime
    ? globalThis.browser
    : globalThis.chrome;

  /** A string from _locales (the browser's UI language, English when it has none). */
  CS.t = function t(key, substitutions) {
    let text = "";
    try {
      const subs = substitutions === undefined ? undefined : [].concat(substitutions).map(String);
      text = CS.ext.i18n.getMessage(key, subs);
    } catch (_err) {
      text = "";
    }
    return text || key;
  };

  /** The language dates are written in: the browser's UI language. */
  CS.locale = function locale() {
    try {
      return CS.ext.i18n.getUILanguage() || "en";
    } catch (_err) {
      return (globalThis.navigator && navigator.language) || "en";
    }
  };
})();
