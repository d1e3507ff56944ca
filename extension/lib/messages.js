/*
 * Every message passed between the parts of the extension. Nothing else is sent with
 * `runtime.sendMessage` / `tabs.sendMessage`; each sender and receiver uses these names.
 *
 *   content script ──MATCH──────────▶ background ──(lib/api.js)──▶ POST {server}/v1/match
 *   content script ──GET_CARD_CSS───▶ background   (reads content/card.css from the package)
 *   content script ──OPEN_OPTIONS───▶ background   (opens the options page)
 *   background ─────LOOKUP_SELECTION▶ content script (context menu item or keyboard shortcut)
 *
 * The options page talks to the server through lib/api.js directly (it is an extension
 * page with the same host permissions as the background worker).
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.MSG) return;

  CS.MSG = Object.freeze({
    /**
     * content → background. Ask the server where a highlight came from.
     * Request:  {type, text: string, prefix: string (≤ 64 chars of page text before the
     *            selection), suffix: string (≤ 64 chars after), page_url: string | null}
     *           — nothing else from the page is ever sent.
     * Response: {ok: true, data: <the server's /v1/match JSON>, server: string}
     *         | {ok: false, error: {kind, status, code, message}, server: string}
     *           where kind is one of CS.ERROR_KINDS.
     */
    MATCH: "claimscope/match",

    /**
     * content → background. The card's stylesheet as text, to put inside the shadow root
     * (read by the background so content/card.css need not be web-accessible, which would
     * let any page detect the extension).
     * Request:  {type}
     * Response: {ok: true, css: string}
     */
    GET_CARD_CSS: "claimscope/get-card-css",

    /**
     * content → background. Open the options page (from the card's error states).
     * Request:  {type}
     * Response: {ok: true}
     */
    OPEN_OPTIONS: "claimscope/open-options",

    /**
     * background → content (one frame). The user asked through the context menu or the
     * keyboard shortcut: look up the current selection of that frame.
     * Request:  {type, selectionText: string | null (the browser's copy of the selection,
     *            used when the page's own selection is gone)}
     * Response: {ok: true, handled: boolean} (handled is false when the frame has no
     *           selection)
     */
    LOOKUP_SELECTION: "claimscope/lookup-selection",
  });

  /** `error.kind` values of a failed MATCH, each shown as its own card state. */
  CS.ERROR_KINDS = Object.freeze({
    UNREACHABLE: "unreachable", // network error or timeout: the server could not be reached
    INVALID_KEY: "invalid_key", // 401: missing or wrong API key
    FORBIDDEN: "forbidden", // 403: the key may not do this
    TOO_LONG: "too_long", // 413: the selection is longer than the server accepts
    INVALID: "invalid", // 422: the server rejected the request
    RATE_LIMITED: "rate_limited", // 429
    SERVER: "server", // 5xx or an answer that is not the expected JSON
  });
})();
