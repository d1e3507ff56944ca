/*
 * The one module that talks to the ClaimScope server. Used by the background worker
 * (matching) and the options page (connection test). Every request omits cookies and the
 * referrer; the API key, when set, goes as `Authorization: Bearer <key>`.
 *
 * Results are never thrown: each call resolves to {ok: true, data} or
 * {ok: false, error: {kind, status, code, message}} with kind from ClaimScope.ERROR_KINDS.
 */
(function () {
  "use strict";
  const CS = (globalThis.ClaimScope = globalThis.ClaimScope || {});
  if (CS.api) return;

  const MATCH_TIMEOUT_MS = 10000;
  const HEALTH_TIMEOUT_MS = 5000;
  const CONTEXT_CHARS = 64;

  function kinds() {
    return CS.ERROR_KINDS;
  }

  function headers(apiKey, withBody) {
    const h = { Accept: "application/json" };
    if (withBody) h["Content-Type"] = "application/json";
    if (apiKey) h.Authorization = `Bearer ${apiKey}`;
    return h;
  }

  function kindForStatus(status) {
    const K = kinds();
    if (status === 401) return K.INVALID_KEY;
    if (status === 403) return K.FORBIDDEN;
    if (status === 413) return K.TOO_LONG;
    if (status === 422 || status === 400) return K.INVALID;
    if (status === 429) return K.RATE_LIMITED;
    return K.SERVER;
  }

  async function request(url, { method = "GET", apiKey = "", body, timeoutMs }) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(url, {
        method,
        headers: headers(apiKey, body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        referrerPolicy: "no-referrer",
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (err) {
      const timedOut = err && err.name === "AbortError";
      return {
        ok: false,
        error: {
          kind: kinds().UNREACHABLE,
          status: 0,
          code: timedOut ? "timeout" : "network",
          message: timedOut ? "The server did not answer in time." : String((err && err.message) || err),
        },
      };
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (_err) {
      data = null;
    }
    if (!response.ok) {
      const e = (data && typeof data === "object" && data.error) || {};
      return {
        ok: false,
        error: {
          kind: kindForStatus(response.status),
          status: response.status,
          code: typeof e.code === "string" ? e.code : `http_${response.status}`,
          message: typeof e.message === "string" ? e.message : `HTTP ${response.status}`,
        },
      };
    }
    if (data === null || typeof data !== "object") {
      return {
        ok: false,
        error: { kind: kinds().SERVER, status: response.status, code: "bad_json", message: "The server's answer was not JSON." },
      };
    }
    return { ok: true, data };
  }

  /**
   * POST {server}/v1/match. `prefix`/`suffix` are cut to 64 characters here too, so no
   * caller can send more page text than the contract allows.
   */
  function match({ server, apiKey, text, prefix, suffix, pageUrl, limit = 5 }) {
    const body = {
      text: String(text || ""),
      prefix: String(prefix || "").slice(-CONTEXT_CHARS),
      suffix: String(suffix || "").slice(0, CONTEXT_CHARS),
      page_url: pageUrl || null,
      limit,
    };
    return request(`${server}/v1/match`, { method: "POST", apiKey, body, timeoutMs: MATCH_TIMEOUT_MS });
  }

  /** GET {server}/healthz. */
  function health({ server, apiKey }) {
    return request(`${server}/healthz`, { apiKey, timeoutMs: HEALTH_TIMEOUT_MS });
  }

  /** The page of one claim in the service. */
  function claimUrl(server, claimId) {
    return `${server}/claims/${encodeURIComponent(String(claimId))}`;
  }

  CS.api = { match, health, claimUrl, CONTEXT_CHARS };
})();
